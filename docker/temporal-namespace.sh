#!/bin/sh
# After the server answers: the namespace the journeys run in, and the search attributes they
# publish (workflows/search-attributes.ts). Waits until each is really usable — a namespace is
# served a moment after it is created — so the worker and the API start on a ready namespace.
# Safe to repeat. Runs in temporalio/admin-tools.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

until temporal operator cluster health 2>/dev/null | grep -q SERVING; do echo "waiting for the Temporal server"; sleep 2; done

temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$NAMESPACE" --retention 30d \
  || echo "namespace $NAMESPACE: created meanwhile"
# Describe answers at once; the other services see a new namespace only after the server's
# registry refreshes (about 10 s): wait until its search attributes can be listed.
until temporal operator search-attribute list --namespace "$NAMESPACE" >/dev/null 2>&1; do echo "waiting for namespace $NAMESPACE"; sleep 2; done

# name type, one per line: the journeys' custom search attributes.
attributes='
DunningTenant Keyword
DunningStage Keyword
DunningOutcome Keyword
DunningNextActionAt Datetime
DunningDueDate Datetime
'

echo "$attributes" | while read -r name type; do
  [ -n "$name" ] || continue
  if ! temporal operator search-attribute list --namespace "$NAMESPACE" | grep -qw "$name"; then
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "$attributes" | while read -r name _type; do
  [ -n "$name" ] || continue
  until temporal operator search-attribute list --namespace "$NAMESPACE" | grep -qw "$name"; do echo "waiting for search attribute $name"; sleep 1; done
done
echo "namespace $NAMESPACE ready"

#!/usr/bin/env bash
# The main job on the bundled example (campaigns/ + fixtures/), end to end on a fresh store:
# validate → import the fixture contacts → plan and apply → ingest the fixture events (90 days of
# history) → run, fast-forwarding 60 days past them → explain one contact.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=campaigns/.campaign/example
store="$dir/store.json"
rm -rf "$dir"
campaign() { node cli/campaign.js "$@"; }
# Commands in bold on a terminal (NO_COLOR, or output to a file or a pipe: plain text).
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ campaign %s%s\n' "$bold" "$*" "$plain"; campaign "$@"; }
# A step whose output is long: its first N lines, and how many more the command printed.
shown() {
  local n=$1 out total
  shift
  out=$(step "$@")
  total=$(printf '%s\n' "$out" | wc -l)
  printf '%s\n' "$out" | head -n "$n"
  if ((total > n)); then printf '  … %d more lines (run the command above to see them all)\n' $((total - n)); fi
}

step validate
step contacts import fixtures/contacts.csv --store "$store" --now 2026-08-01T00:00:00Z
shown 12 plan --store "$store" --now 2026-08-01T00:00:00Z --out "$dir/plan.json" --no-typecheck
step apply "$dir/plan.json" --store "$store"
step events ingest fixtures/events.jsonl --store "$store" --now 2026-11-01T00:00:00Z
# The CRM webhook endpoint (campaign.config.ts) signs with this secret; nothing listens at its
# address (127.0.0.1:47011), so the run reports those webhooks as failed, to be retried later.
export CRM_WEBHOOK_SECRET=example-only-secret
step run --store "$store" --now 2026-11-01T00:00:00Z --until 2026-12-31T00:00:00Z
shown 62 contact c_000005 --store "$store"
printf '\nEmails are in %s/outbox/ (.eml files); the store is %s.\n' "$dir" "$store"

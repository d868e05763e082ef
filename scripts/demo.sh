#!/usr/bin/env bash
# The main job on the shipped demo corpus: what `make demo` runs.
set -euo pipefail
EVALNLP=${1:-evalnlp}
DB=${2:-out/demo/demo.duckdb}
OUT=${3:-out/demo}
CORPUS=corpora/demo_leadership
mkdir -p "$OUT"
export EVALNLP_DB="$DB"

echo "== evalnlp $($EVALNLP --version | cut -d' ' -f2): reading the demo corpus into $DB"
"$EVALNLP" ingest "$CORPUS/survey.xlsx" \
    --text "What has changed in how you work since the programme?" \
    --text "What did you value most?" \
    --text "What could be improved?" \
    --id respondent_id --unit response
"$EVALNLP" ingest "$CORPUS/evaluation_report.docx"
echo
echo "== ingesting the same files again adds nothing:"
"$EVALNLP" --quiet ingest "$CORPUS/survey.xlsx" --text "What did you value most?" --id respondent_id
"$EVALNLP" runs
echo
echo "Done. The project store is $DB; open it in Python with evalnlp.open(\"$DB\")."

#!/usr/bin/env bash
# The main job on the shipped demo corpus: what `make demo` runs.
set -euo pipefail
EVALNLP=${1:-evalnlp}
DB=${2:-out/demo/demo.duckdb}
OUT=${3:-out/demo}
CORPUS=corpora/demo_leadership
mkdir -p "$OUT"
export EVALNLP_DB="$DB"
Q1="What has changed in how you work since the programme?"
Q2="What did you value most?"
Q3="What could be improved?"

echo "== evalnlp $($EVALNLP --version | cut -d' ' -f2): reading the demo corpus into $DB"
"$EVALNLP" ingest "$CORPUS/survey.xlsx" --text "$Q1" --text "$Q2" --text "$Q3" --id respondent_id
"$EVALNLP" ingest "$CORPUS/evaluation_report.docx"
echo
echo "== ingesting the same survey again adds nothing:"
"$EVALNLP" ingest "$CORPUS/survey.xlsx" --text "$Q1" --text "$Q2" --text "$Q3" --id respondent_id | tail -n 1
echo
echo "== coding every passage with the impact codebook (the shipped impact-themes model) and sentiment"
"$EVALNLP" classify --codebook impact --output "$OUT/coded.xlsx"
echo
echo "== evidence tables by programme, and the demo's impact claims"
"$EVALNLP" evidence --by programme --claims "$CORPUS/claims.yaml" --output "$OUT/evidence.xlsx"
echo
echo "== the best de-identified quotes on relationships"
"$EVALNLP" quotes --theme relationships -n 5 --output "$OUT/quotes.md"
"$EVALNLP" report --claims "$CORPUS/claims.yaml" --by programme --output "$OUT/report.html"
echo
echo "== the NHS Friends and Family Test corpus (10,334 real comments) coded with the shipped fft model"
"$EVALNLP" --db "$OUT/fft.duckdb" classify corpora/nhs_fft/text_data.csv --text feedback --id row_index \
    --meta organization --meta question --codebook fft --output "$OUT/fft_coded.csv"
echo
echo "== testimonials and reach figures found in the evaluation report"
"$EVALNLP" extract "$CORPUS/evaluation_report.docx" > "$OUT/extract.txt"
sed -n 1,40p "$OUT/extract.txt"
echo "... (all of it in $OUT/extract.txt)"
echo
"$EVALNLP" runs
echo
echo "Done. Outputs in $OUT/: coded.xlsx, evidence.xlsx, quotes.md, report.html, extract.txt, fft_coded.csv"
echo "The project store is $DB; open it in Python with evalnlp.open(\"$DB\")."

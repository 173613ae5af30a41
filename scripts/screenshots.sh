#!/usr/bin/env bash
# Regenerates docs/img/shipped-*.png: every screen of the shipped
# configuration in Chinese and English, as tgscreen draws it (1280x720).
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/ ./cmd/tgscreen
for n in standby reminder transfer_warning high_risk staff_coming; do
  for l in zh en; do
    xvfb-run -a -s "-screen 0 1920x1080x24" bin/tgscreen --preview "$n" --lang "$l" \
      --config configs/agent-demo.yaml --width 1280 --height 720 --out "docs/img/shipped-${n//_/-}-$l.png"
  done
done

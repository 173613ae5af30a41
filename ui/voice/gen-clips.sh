#!/bin/sh
# Regenerates the spoken clips embedded in tgscreen (ui/voice/clips/*.ogg)
# with espeak-ng (zh: voice "cmn", en: voice "en") and sox, from the texts
# below. Run from anywhere: sh ui/voice/gen-clips.sh  (or go generate ./ui/voice)
# Needs: apt-get install espeak-ng sox libsox-fmt-all
# The texts are spoken reminders only; the screen shows the configured text.
set -eu
cd "$(dirname "$0")/clips"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # name voice speed text
	espeak-ng -v "$2" -s "$3" -w "$tmp/$1.wav" "$4"
	# mono, 16 kHz, Vorbis quality 0: about 4 KB per second of speech
	sox "$tmp/$1.wav" -r 16000 -c 1 -C 0 "$1.ogg" norm -3
}

say reminder_zh         cmn 175 "转账须谨慎，防止被诈骗。"
say transfer_warning_zh cmn 175 "请停一下。转账前，请确认您认识收款人。"
say high_risk_zh        cmn 165 "请挂断电话，工作人员正在赶来帮助您。"
say staff_coming_zh     cmn 175 "工作人员马上就到，请在此稍候。"
say reminder_en         en  150 "Transfer carefully. Beware of fraud."
say transfer_warning_en en  150 "Please stop and check. Fraudsters often guide people through a transfer by phone."
say high_risk_en        en  140 "Please hang up. Staff are coming to help you."
say staff_coming_en     en  150 "A member of staff is on the way. Please wait here."
ls -l

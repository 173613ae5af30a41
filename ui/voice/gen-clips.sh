#!/bin/sh
# Regenerates the spoken clips embedded in tgscreen (ui/voice/clips/*.ogg)
# with espeak-ng (zh: voice "cmn", en: voice "en") and sox, from the texts
# below. Run from anywhere: sh ui/voice/gen-clips.sh  (or go generate ./ui/voice)
# Needs (only to regenerate; the clips are committed):
#   apt-get install espeak-ng sox libsox-fmt-all
# The texts are spoken reminders only; the screen shows the configured text.
#
# Speed, for older listeners (docs/screens.md, "Voice"): espeak-ng's cmn
# voice at its default 175 already speaks about 2.6 syllables a second
# (natural Mandarin: 4-5), so Chinese is slowed only a little, to 160;
# English goes from 150 to 130 words a minute. Numbers are written digit by
# digit ("9 6 1 1 0"): written whole, espeak-ng reads 96110 as "九万六千一百
# 一十" / "ninety-six thousand one hundred and ten".
set -eu
cd "$(dirname "$0")/clips"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ZH=160
EN=130

say() { # name voice speed text
	espeak-ng -v "$2" -s "$3" -w "$tmp/$1.wav" "$4"
	# mono, 16 kHz, Vorbis quality 0: about 4 KB per second of speech
	sox "$tmp/$1.wav" -r 16000 -c 1 -C 0 "$1.ogg" norm -3
}

say reminder_zh         cmn $ZH "转账须谨慎，防止被诈骗。"
say question_zh         cmn $ZH "这笔钱是转给谁的？请在屏幕上选择。"
say transfer_warning_zh cmn $ZH "请停一下。要您把钱转到安全账户的，都是骗子。"
say high_risk_zh        cmn $ZH "请挂断电话，工作人员正在赶来帮助您。"
say stopped_zh          cmn $ZH "您已取消转账，钱是安全的。反诈专线 9 6 1 1 0。"
say help_coming_zh      cmn $ZH "工作人员马上就到。请先挂断电话。"
say staff_coming_zh     cmn $ZH "工作人员马上就到，请在此稍候。"
say staff_arrived_zh    cmn $ZH "工作人员已经到了，请把情况告诉他。"
say reminder_en         en  $EN "Transfer carefully. Beware of fraud."
say question_en         en  $EN "Who is this money for? Please choose on the screen."
say transfer_warning_en en  $EN "Please stop and check. Anyone who asks you to move money to a safe account is a fraudster."
say high_risk_en        en  $EN "Please hang up the phone. Staff are coming to help you."
say stopped_en          en  $EN "You cancelled the transfer. Your money is safe. Anti-fraud hotline: 9 6 1 1 0."
say help_coming_en      en  $EN "Staff are on the way. Please hang up the phone."
say staff_coming_en     en  $EN "A member of staff is on the way. Please wait here."
say staff_arrived_en    en  $EN "Staff are here with you. Please tell them what the caller said."
ls -l

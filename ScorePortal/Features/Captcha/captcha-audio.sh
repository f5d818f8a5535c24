#!/usr/bin/env bash
# Speaks every character a captcha may use (a superset of CaptchaService's alphabet: digits 2-9 and A-Z) with
# espeak-ng, once per language and in three voices each, as 16-bit mono WAV clips: <out>/<culture>/<char>-<variant>.wav.
# Run by the build (ScorePortal.csproj, target CaptchaAudio) when espeak-ng is installed; CaptchaAudio mixes the clips.
# zh-CN uses the Mandarin voice, which says digits in Chinese (二, 七) and letters as Chinese speakers say them (ei, bi).
set -euo pipefail
out=$1
work="$out.tmp"
rm -rf "$work"
for culture in zh-CN en-US; do
    mkdir -p "$work/$culture"
    voice=cmn
    if [ "$culture" = en-US ]; then voice=en-us; fi
    for c in 2 3 4 5 6 7 8 9 A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do
        # Three speakers (pitch, speed) so that one character does not always sound the same.
        espeak-ng -v "$voice" -p 35 -s 125 -w "$work/$culture/$c-0.wav" "$c"
        espeak-ng -v "$voice" -p 55 -s 135 -w "$work/$culture/$c-1.wav" "$c"
        espeak-ng -v "$voice" -p 75 -s 120 -w "$work/$culture/$c-2.wav" "$c"
    done
done
rm -rf "$out"
mv "$work" "$out"

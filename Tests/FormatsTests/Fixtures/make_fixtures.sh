#!/usr/bin/env bash
# Regenerates the format fixtures with the tools users' files come from: numpy writes the .npy/.npz,
# sox and espeak-ng the .wav, and sox also decodes every .wav to raw float32 (.f32) as the independent
# truth the WAV reader is compared against. Run from this directory; needs python3 + numpy, sox, espeak-ng.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.npy ./*.npz ./*.wav ./*.f32

python3 - <<'PY'
import io, zipfile
import numpy as np

cache = (np.arange(4 * 5 * 3, dtype=np.float64).reshape(4, 5, 3) * 0.5 - 3.25)
np.save("cache_f4.npy", cache.astype("<f4"))
np.save("cache_f8.npy", cache.astype("<f8"))
np.save("cache_be_f4.npy", cache.astype(">f4"))
np.save("cache_fortran_f4.npy", np.asfortranarray(cache.astype("<f4")))
np.save("half_f2.npy", np.array([0.0, 1.0, -2.5, 65504.0, 6.1035156e-05, 5.9604645e-08], dtype="<f2"))
np.save("int_i8.npy", np.array([[-3, 0, 7], [2**40, -(2**40), 1]], dtype="<i8"))
np.save("int_be_i2.npy", np.array([-300, 300, 1], dtype=">i2"))
np.save("uint_u1.npy", np.array([0, 255, 128], dtype="u1"))
np.save("names_S.npy", np.array(["neutral", "jawOpen", "eyeBlinkLeft"], dtype="S"))
np.save("names_U.npy", np.array(["neutral", "jawOpen", "Zungé"]))
with open("cache_v2.npy", "wb") as f:
    np.lib.format.write_array(f, cache.astype("<f4"), version=(2, 0))
with open("cache_v3.npy", "wb") as f:
    np.lib.format.write_array(f, cache.astype("<f4"), version=(3, 0))
np.save("object.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)

members = dict(
    neutral=cache[0].astype(np.float32),
    poseNames=np.array(["neutral", "jawOpen"], dtype="S"),
    frontalMask=np.array([0, 2, 4], dtype=np.int32),
)
np.savez("bs_savez.npz", **members)
np.savez_compressed("bs_savez_compressed.npz", **members)
# zip64 records on a small archive, as numpy produces for members over 4 GiB.
with zipfile.ZipFile("bs_zip64.npz", "w", compression=zipfile.ZIP_DEFLATED) as archive:
    for key, value in members.items():
        buffer = io.BytesIO()
        np.save(buffer, value)
        with archive.open(key + ".npy", "w", force_zip64=True) as member:
            member.write(buffer.getvalue())
PY

# WAV from sox: a 440 Hz tone at half scale, 50 ms, in every encoding the guide's users meet.
tone() { sox -n -r "$1" "${@:3}" "$2" synth 0.05 sine 440 vol 0.5; }
tone 16000 pcm16_16k.wav -b 16 -e signed-integer -c 1
tone 48000 pcm24_48k.wav -b 24 -e signed-integer -c 1
tone 44100 pcm32_44k.wav -b 32 -e signed-integer -c 1
tone 8000 pcm8_8k.wav -b 8 -e unsigned-integer -c 1
tone 22050 float32_22k.wav -b 32 -e floating-point -c 1
tone 32000 float64_32k.wav -b 64 -e floating-point -c 1
tone 44100 stereo16_44k.wav -b 16 -e signed-integer -c 2
tone 48000 quad24_48k.wav -b 24 -e signed-integer -c 4       # sox writes WAVE_FORMAT_EXTENSIBLE here
espeak-ng -w espeak.wav "Shy television watchers usually think joyous thoughts."
sox espeak.wav -r 16000 espeak_16k.wav trim 0 0.5
rm espeak.wav
for f in *.wav; do sox "$f" -t f32 -e floating-point "${f%.wav}.f32"; done
ls -l

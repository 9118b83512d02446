"""Whether this CPU has the instructions that make `--bf16` or `--int8` pay off.

bench/scorer_bench.py measured int8 3-6x as fast as fp32 on CPUs with AVX-512 VNNI and no faster
at all (with the same ~2% of predictions changed) on an AVX2-only one, and bf16 4x as fast on a
CPU with AVX-512 BF16 but slower than fp32 on an AVX-512 one without (OpenVINO emulates it
there; on an AVX2-only CPU it runs f32). So the CLI and the Scorer page warn before using either
on a CPU without its instructions (AVX-512 without VNNI is assumed to be like AVX2 for int8:
multiply-adds take the same three instructions; not measured).
"""

from __future__ import annotations

import platform
from functools import cache
from pathlib import Path

from annotator.scorer.settings import FastPrecision, Precision

# /proc/cpuinfo flag -> the name people know the instructions by, for each fast precision
FAST_FLAGS: dict[FastPrecision, dict[str, str]] = {
    "bf16": {"amx_bf16": "AMX", "avx512_bf16": "AVX-512 BF16"},
    "int8": {"amx_int8": "AMX", "avx512_vnni": "AVX-512 VNNI", "avx_vnni": "AVX-VNNI"},
}
CPUINFO = Path("/proc/cpuinfo")


def fast_instructions(precision: FastPrecision, cpuinfo: str | None = None) -> list[str] | None:
    """The instruction sets of this CPU (from /proc/cpuinfo or the text given) that speed up
    `precision`, [] when it has none, None when that cannot be told (no /proc/cpuinfo, or no x86
    flags line)."""
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo(CPUINFO)
    flags = _first_value(cpuinfo, "flags")
    if flags is None:
        return None
    present = set(flags.split())
    return [name for flag, name in FAST_FLAGS[precision].items() if flag in present]


def lacks_fast_instructions(precision: Precision, cpuinfo: str | None = None) -> bool:
    """True when `precision` is bf16 or int8 and this CPU is known to have none of its instructions."""
    return precision in FAST_FLAGS and fast_instructions(precision, cpuinfo) == []


def cpu_summary(cpuinfo: str | None = None) -> str:
    """One line for benchmark output: the CPU's name and its bf16 and int8 instructions."""
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo(CPUINFO)
    name = _first_value(cpuinfo, "model name") or platform.processor() or platform.machine()
    int8, bf16 = fast_instructions("int8", cpuinfo), fast_instructions("bf16", cpuinfo)
    return (
        f"CPU: {name}; int8 dot-product instructions: {_listed(int8, 'VNNI or AMX')}; "
        f"bf16 instructions: {_listed(bf16, 'AVX-512 BF16 or AMX')}"
    )


def _listed(found: list[str] | None, wanted: str) -> str:
    return "unknown" if found is None else ", ".join(found) or f"none (no {wanted})"


@cache  # the page asks on every rerun, and the file is long on many-core hosts
def _read_cpuinfo(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux
        return ""


def _first_value(cpuinfo: str, key: str) -> str | None:
    for line in cpuinfo.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip() == key:
            return value.strip()
    return None

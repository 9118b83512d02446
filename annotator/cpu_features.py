"""Whether this CPU has the int8 dot-product instructions that make `--int8` pay off.

bench/scorer_bench.py measured int8 3x as fast as fp32 on a CPU with AVX-512 VNNI and no faster
at all (1.0x, with the same ~2% of predictions changed) on an AVX2-only one, so the CLI and the
Scorer page warn before quantizing on a CPU without them (AVX-512 without VNNI is assumed to be
like AVX2 there: int8 multiply-adds take the same three instructions; not measured).
"""

from __future__ import annotations

import platform
from functools import cache
from pathlib import Path

# /proc/cpuinfo flag -> the name people know the instructions by
INT8_FLAGS = {"amx_int8": "AMX", "avx512_vnni": "AVX-512 VNNI", "avx_vnni": "AVX-VNNI"}
CPUINFO = Path("/proc/cpuinfo")


def int8_instructions(cpuinfo: str | None = None) -> list[str] | None:
    """The int8 dot-product instruction sets of this CPU (from /proc/cpuinfo or the text given),
    [] when it has none, None when that cannot be told (no /proc/cpuinfo, or no x86 flags line)."""
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo(CPUINFO)
    flags = _first_value(cpuinfo, "flags")
    if flags is None:
        return None
    present = set(flags.split())
    return [name for flag, name in INT8_FLAGS.items() if flag in present]


def lacks_int8_dot_product(cpuinfo: str | None = None) -> bool:
    """True when this CPU is known to have none of the int8 dot-product instruction sets."""
    return int8_instructions(cpuinfo) == []


def cpu_summary(cpuinfo: str | None = None) -> str:
    """One line for benchmark output: the CPU's name and its int8 instructions."""
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo(CPUINFO)
    name = _first_value(cpuinfo, "model name") or platform.processor() or platform.machine()
    found = int8_instructions(cpuinfo)
    listed = "unknown" if found is None else ", ".join(found) or "none (no VNNI or AMX)"
    return f"CPU: {name}; int8 dot-product instructions: {listed}"


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

import pytest

from annotator.scorer import cpu
from annotator.scorer.cpu import cpu_summary, fast_instructions, lacks_fast_instructions

AVX2_ONLY = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse sse2 avx avx2 fma\n\n"
VNNI = "model name\t: Intel(R) Xeon(R)\nflags\t\t: avx2 avx512f avx512_vnni\n"
VNNI_BF16 = "model name\t: AMD EPYC\nflags\t\t: avx2 avx512f avx512_vnni avx512_bf16 avx_vnni\n"


@pytest.mark.parametrize(
    ("cpuinfo", "int8", "bf16"),
    [
        (AVX2_ONLY, [], []),
        (VNNI, ["AVX-512 VNNI"], []),
        (VNNI_BF16, ["AVX-512 VNNI", "AVX-VNNI"], ["AVX-512 BF16"]),
        ("flags\t: avx2 avx_vnni\n", ["AVX-VNNI"], []),
        ("flags\t: avx512_vnni amx_bf16 amx_int8\n", ["AMX", "AVX-512 VNNI"], ["AMX"]),
        ("flags\t: avx512_vnni_x avx512_bf16x\n", [], []),  # whole flags only
        # no flags line (arm64 names them differently)
        ("processor\t: 0\nFeatures\t: fp asimd\n", None, None),
        ("", None, None),
    ],
)
def test_fast_instructions_reads_the_flags_line(cpuinfo, int8, bf16):
    assert fast_instructions("int8", cpuinfo) == int8
    assert fast_instructions("bf16", cpuinfo) == bf16
    assert lacks_fast_instructions("int8", cpuinfo) is (int8 == [])
    assert lacks_fast_instructions("bf16", cpuinfo) is (bf16 == [])


def test_exact_fp32_never_lacks_anything():
    assert not lacks_fast_instructions("fp32", AVX2_ONLY)


def test_without_proc_cpuinfo_nothing_is_claimed(tmp_path, monkeypatch):
    monkeypatch.setattr(cpu, "CPUINFO", tmp_path / "missing")
    assert fast_instructions("int8") is None and not lacks_fast_instructions("int8")
    assert not lacks_fast_instructions("bf16")
    assert cpu_summary().endswith("int8 dot-product instructions: unknown; bf16 instructions: unknown")


@pytest.mark.parametrize(
    ("cpuinfo", "summary"),
    [
        (
            AVX2_ONLY,
            "CPU: AMD EPYC; int8 dot-product instructions: none (no VNNI or AMX); "
            "bf16 instructions: none (no AVX-512 BF16 or AMX)",
        ),
        (
            VNNI,
            "CPU: Intel(R) Xeon(R); int8 dot-product instructions: AVX-512 VNNI; "
            "bf16 instructions: none (no AVX-512 BF16 or AMX)",
        ),
        (
            VNNI_BF16,
            "CPU: AMD EPYC; int8 dot-product instructions: AVX-512 VNNI, AVX-VNNI; "
            "bf16 instructions: AVX-512 BF16",
        ),
    ],
)
def test_cpu_summary_names_the_cpu_and_its_fast_instructions(cpuinfo, summary):
    assert cpu_summary(cpuinfo) == summary

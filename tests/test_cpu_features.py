import pytest

from annotator import cpu_features
from annotator.cpu_features import cpu_summary, int8_instructions, lacks_int8_dot_product

AVX2_ONLY = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse sse2 avx avx2 fma\n\n"
VNNI = "model name\t: Intel(R) Xeon(R)\nflags\t\t: avx2 avx512f avx512_vnni\n"


@pytest.mark.parametrize(
    ("cpuinfo", "expected"),
    [
        (AVX2_ONLY, []),
        (VNNI, ["AVX-512 VNNI"]),
        ("flags\t: avx2 avx_vnni\n", ["AVX-VNNI"]),
        ("flags\t: avx512_vnni amx_bf16 amx_int8\n", ["AMX", "AVX-512 VNNI"]),
        ("flags\t: avx512_vnni_x\n", []),  # whole flags only
        ("processor\t: 0\nFeatures\t: fp asimd\n", None),  # no flags line (arm64 names them differently)
        ("", None),
    ],
)
def test_int8_instructions_reads_the_flags_line(cpuinfo, expected):
    assert int8_instructions(cpuinfo) == expected
    assert lacks_int8_dot_product(cpuinfo) is (expected == [])


def test_without_proc_cpuinfo_nothing_is_claimed(tmp_path, monkeypatch):
    monkeypatch.setattr(cpu_features, "CPUINFO", tmp_path / "missing")
    assert int8_instructions() is None and not lacks_int8_dot_product()
    assert cpu_summary().endswith("int8 dot-product instructions: unknown")


@pytest.mark.parametrize(
    ("cpuinfo", "summary"),
    [
        (AVX2_ONLY, "CPU: AMD EPYC; int8 dot-product instructions: none (no VNNI or AMX)"),
        (VNNI, "CPU: Intel(R) Xeon(R); int8 dot-product instructions: AVX-512 VNNI"),
    ],
)
def test_cpu_summary_names_the_cpu_and_its_int8_instructions(cpuinfo, summary):
    assert cpu_summary(cpuinfo) == summary

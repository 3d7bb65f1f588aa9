"""The macros every BUILD file of protokit loads.

They fix what all targets share: C++20 with warnings as errors for our own code, strict
mocks and the kit's test main for tests, `testonly` for fakes and testing targets, and
the fuzz/benchmark conventions of docs/testing.md.

Visibility: no package sets a public default. A library is private to its package unless
its BUILD file says `visibility = ["//visibility:public"]` (what a user of the kit depends
on) or `["//:__subpackages__"]` (shared inside the kit, not part of its interface).
"""

KIT_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wnon-virtual-dtor",
    "-Wimplicit-fallthrough",
]

# Packages whose libraries exist only for tests. A target there may still opt out with
# `testonly = False` when a shipped program needs it (say why in the BUILD file).
_TESTONLY_PACKAGES = ["fakes", "testing"]

def _default_testonly(testonly):
    if testonly != None:
        return testonly
    package = native.package_name()
    for prefix in _TESTONLY_PACKAGES:
        if package == prefix or package.startswith(prefix + "/"):
            return True
    return False

def kit_cc_library(name, copts = [], testonly = None, **kwargs):
    native.cc_library(
        name = name,
        copts = KIT_COPTS + copts,
        testonly = _default_testonly(testonly),
        **kwargs
    )

def kit_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(
        name = name,
        copts = KIT_COPTS + copts,
        **kwargs
    )

def kit_cc_test(name, deps = [], copts = [], size = "small", tags = [], **kwargs):
    """A GoogleTest test run by the kit's test main (strict mocks, kit log checks)."""
    native.cc_test(
        name = name,
        copts = KIT_COPTS + copts,
        size = size,
        tags = tags,
        deps = deps + ["//testing:test_main"],
        **kwargs
    )

def kit_cc_live_test(name, tags = [], **kwargs):
    """A test that opens real sockets on loopback, in a network namespace of its own."""
    kit_cc_test(
        name = name,
        tags = tags + ["block-network"],
        **kwargs
    )

def kit_cc_fuzz_test(name, srcs, corpus, deps = [], copts = [], **kwargs):
    """A libFuzzer target `name_fuzzer` (clang, --config=fuzz) and `name`, a test that
    replays every input of `corpus` (a directory beside the BUILD file) through it."""
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = KIT_COPTS + copts,
        size = "small",
        # The test runs in the runfiles root, where the corpus sits at its package path.
        args = [native.package_name() + "/" + corpus],
        data = native.glob([corpus + "/**"]),
        deps = deps + ["//testing/fuzz:corpus_replay_main", "//testing/fuzz:fuzz_check"],
        **kwargs
    )
    native.cc_binary(
        name = name + "_fuzzer",
        srcs = srcs,
        copts = KIT_COPTS + copts,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        testonly = True,
        deps = deps + ["//testing/fuzz:fuzz_check"],
    )

def kit_cc_benchmark(name, deps = [], copts = [], smoke_filter = None, **kwargs):
    """A Google Benchmark binary; run it with `bazel run -c opt //pkg:name`.

    Also `name_smoke_test`, which runs each benchmark once for a moment, so that a benchmark
    that no longer runs fails `./protokit test` rather than the next measurement;
    `smoke_filter` (a --benchmark_filter regex) leaves out sizes too slow for that."""
    native.cc_binary(
        name = name,
        copts = KIT_COPTS + copts,
        testonly = True,
        deps = deps + ["@system//:benchmark_main"],
        **kwargs
    )
    native.sh_test(
        name = name + "_smoke_test",
        srcs = ["//bazel:run_benchmark_once.sh"],
        args = ["$(location :" + name + ")"] +
               (["--benchmark_filter=" + smoke_filter] if smoke_filter else []),
        data = [":" + name],
        size = "small",
    )

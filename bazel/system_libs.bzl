"""Exposes Debian's system headers and static libraries as the @system repository.

Symlinking the exact entries of /usr/include (rather than pointing a repository at /usr)
keeps edits of system headers tracked and lets them be passed with -isystem, so their
warnings never reach our -Werror build.
"""

def _system_libs_impl(rctx):
    for entry in rctx.attr.headers:
        rctx.symlink("/usr/include/" + entry, "include/" + entry)
    for entry in rctx.attr.arch_headers:
        rctx.symlink("/usr/include/x86_64-linux-gnu/" + entry, "arch_include/" + entry)
    for lib in rctx.attr.libs:
        rctx.symlink("/usr/lib/x86_64-linux-gnu/" + lib, "lib/" + lib)
    rctx.symlink(rctx.attr.build_file, "BUILD.bazel")

system_libs = repository_rule(
    implementation = _system_libs_impl,
    local = True,
    attrs = {
        "headers": attr.string_list(),
        "arch_headers": attr.string_list(),
        "libs": attr.string_list(),
        "build_file": attr.label(allow_single_file = True),
    },
)

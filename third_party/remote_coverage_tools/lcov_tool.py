#!/usr/bin/env python3
"""Offline stand-in for Bazel's coverage merger and report generator.

As the merger (--coverage_dir=D --output_file=F [--filter_sources=RE]...): turns the
gcov JSON files (*.gcov.json.gz) that Bazel's collect_cc_coverage.sh leaves in D into
one LCOV file. As the report generator (--reports_file=R --output_file=F): adds up the
LCOV files listed in R into one.
"""
import argparse
import collections
import gzip
import json
import os
import re
import sys


def write_lcov(out, files):
    with open(out, "w") as f:
        for source in sorted(files):
            lines, funcs = files[source]
            f.write("SF:%s\n" % source)
            for name, (start, count) in sorted(funcs.items()):
                f.write("FN:%d,%s\n" % (start, name))
            for name, (start, count) in sorted(funcs.items()):
                f.write("FNDA:%d,%s\n" % (count, name))
            f.write("FNF:%d\nFNH:%d\n" % (len(funcs), sum(1 for s, c in funcs.values() if c)))
            for line in sorted(lines):
                f.write("DA:%d,%d\n" % (line, lines[line]))
            f.write("LF:%d\nLH:%d\nend_of_record\n" % (len(lines), sum(1 for c in lines.values() if c)))


def empty():
    return (collections.Counter(), {})


def merge_gcov(args):
    files = collections.defaultdict(empty)
    filters = [re.compile(p) for p in args.filter_sources]
    for root, _, names in os.walk(args.coverage_dir):
        for name in names:
            if not name.endswith(".gcov.json.gz"):
                continue
            with gzip.open(os.path.join(root, name), "rt") as f:
                data = json.load(f)
            for entry in data.get("files", []):
                source = entry["file"]
                if any(p.search(source) for p in filters):
                    continue
                lines, funcs = files[source]
                for line in entry.get("lines", []):
                    lines[line["line_number"]] += line["count"]
                for fn in entry.get("functions", []):
                    start, count = funcs.get(fn["name"], (fn["start_line"], 0))
                    funcs[fn["name"]] = (start, count + fn["execution_count"])
    write_lcov(args.output_file, files)


def merge_reports(args):
    files = collections.defaultdict(empty)
    with open(args.reports_file) as f:
        reports = [line.strip() for line in f if line.strip()]
    for report in reports:
        source = None
        with open(report) as f:
            for raw in f:
                line = raw.strip()
                if line.startswith("SF:"):
                    source = line[3:]
                elif line.startswith("DA:") and source:
                    number, count = line[3:].split(",")[:2]
                    files[source][0][int(number)] += int(count)
                elif line.startswith("FN:") and source:
                    start, name = line[3:].split(",", 1)
                    files[source][1].setdefault(name, (int(start), 0))
                elif line.startswith("FNDA:") and source:
                    count, name = line[5:].split(",", 1)
                    start, total = files[source][1].get(name, (0, 0))
                    files[source][1][name] = (start, total + int(count))
    write_lcov(args.output_file, files)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--coverage_dir")
    parser.add_argument("--output_file", required=True)
    parser.add_argument("--filter_sources", action="append", default=[])
    parser.add_argument("--source_file_manifest")
    parser.add_argument("--reports_file")
    args, _ = parser.parse_known_args()
    if args.reports_file:
        merge_reports(args)
    elif args.coverage_dir:
        merge_gcov(args)
    else:
        sys.exit("lcov_tool.py: need --coverage_dir or --reports_file")


if __name__ == "__main__":
    main()

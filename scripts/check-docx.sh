#!/usr/bin/env bash
# The DOCX report draft opens in LibreOffice: builds a report from the test fixtures, converts
# it to PDF with `libreoffice --headless --convert-to pdf`, and checks that the PDF's text has
# every section heading. Installs LibreOffice Writer (no GUI) and poppler-utils from apt when
# they are missing. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then
    echo "== installing libreoffice-writer-nogui and poppler-utils (apt)"
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The debug binary: `cargo test` has just built it in CI.
cargo build --quiet
chaxin=target/debug/chaxin
$chaxin index --index "$work/index" -i tests/fixtures >/dev/null 2>&1
cat > "$work/request.json" <<'JSON'
{"project": {"name": "兆瓦级永磁同步风力发电机无速度传感器控制系统", "client": "某风电装备公司",
  "purpose": "成果鉴定", "summary": "采用无速度传感器矢量控制的兆瓦级永磁同步风力发电机控制系统。"},
 "points": ["永磁同步风力发电机无速度传感器矢量控制方法", "neural network training method for object detection"],
 "cutoff": "2021-01-01", "limit": 10}
JSON
status=0
for style in station examiner; do
    $chaxin report "$work/request.json" --index "$work/index" --format docx --style "$style" \
        --output "$work/$style.docx"
    # A private profile: a first run must not depend on (or touch) the user's.
    soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
        --outdir "$work" "$work/$style.docx" >/dev/null 2>&1
    pdftotext "$work/$style.pdf" "$work/$style.txt"
    if [ "$style" = station ]; then
        headings=("科技查新报告（草稿）" "一、查新目的" "二、查新项目的科学技术要点" "三、查新点与查新要求"
                  "四、文献检索范围及检索策略" "五、检索结果" "六、对比分析" "七、查新结论")
    else
        headings=("检索报告（草稿）" "类型" "引用文件及相关段落" "相关的查新点")
    fi
    for heading in "${headings[@]}"; do
        if ! grep -qF "$heading" "$work/$style.txt"; then
            echo "check-docx: \`$heading\` missing from the PDF of the $style draft" >&2
            status=1
        fi
    done
    echo "check-docx: $style.docx -> PDF ($(wc -c <"$work/$style.pdf") bytes), ${#headings[@]} headings checked"
done
exit $status

#!/bin/sh
# Check every man page under man/: it must render with groff without a
# single warning, and every ".so" alias must point at an existing page.
# Exit status: 0 when all pages pass, 1 otherwise.
set -u
cd "$(dirname "$0")" || exit 1

if ! command -v groff >/dev/null 2>&1; then
	echo "check.sh: groff is not installed (apt-get install -y groff)" >&2
	exit 1
fi

fail=0
pages=0
for page in man[0-9]/*.[0-9]; do
	[ -e "$page" ] || continue
	pages=$((pages + 1))

	# An alias page is a single .so line naming another page.
	target=$(sed -n 's/^\.so[[:space:]]\{1,\}//p' "$page")
	if [ -n "$target" ]; then
		if [ "$(grep -cv '^[[:space:]]*$' "$page")" -ne 1 ]; then
			echo "$page: an alias page must hold only its .so line"
			fail=1
		fi
		if [ ! -f "$target" ]; then
			echo "$page: .so target $target does not exist"
			fail=1
			continue
		fi
		if grep -q '^\.so' "$target"; then
			echo "$page: .so target $target is itself an alias"
			fail=1
		fi
	else
		name=$(basename "$page")
		section=${name##*.}
		name=${name%.*}
		if ! head -n 1 "$page" | grep -q "^\.TH $name $section "; then
			echo "$page: first line must be .TH $name $section ..."
			fail=1
		fi
	fi

	out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "$page:"
		echo "$out" | sed 's/^/    /'
		fail=1
	fi
done

if [ "$pages" -eq 0 ]; then
	echo "check.sh: no pages found" >&2
	exit 1
fi
if [ "$fail" -ne 0 ]; then
	echo "check.sh: FAILED ($pages pages checked)"
	exit 1
fi
echo "check.sh: $pages pages OK"

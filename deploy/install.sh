#!/bin/sh
# The image's install steps, in one place: deploy/Dockerfile runs this script, and
# tests/e2e/test_image.py runs the same script into a fresh virtual environment.
#   sh deploy/install.sh VENV    (from the checkout's root)
# The pinned set (constraints.txt) and the PostgreSQL driver; the project itself as a plain
# (non-editable) install, as in the image.
# An existing VENV is used as it is (the test prepares one whose dependencies are already there).
set -eu
venv="${1:?usage: install.sh VENV}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -c constraints.txt '.[postgres]'

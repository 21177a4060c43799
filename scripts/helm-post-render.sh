#!/bin/sh
# podguard as a Helm post-renderer, for Helm older than 3.10 (which runs the post-renderer
# without arguments, so `--post-renderer podguard --post-renderer-args helm-post-render` is not
# available):
#
#   helm install web ./chart --post-renderer ./scripts/helm-post-render.sh
#
# Helm writes the rendered manifests to standard input and installs what this prints; a non-zero
# exit aborts the install. Options for podguard go in PODGUARD_ARGS (split on spaces), e.g.
#   PODGUARD_ARGS="--profile restricted --fail-on warning"
# PODGUARD names the podguard command (default: podguard on PATH).
set -eu
# shellcheck disable=SC2086 # PODGUARD_ARGS is a list of options on purpose.
exec "${PODGUARD:-podguard}" helm-post-render ${PODGUARD_ARGS:-} "$@"

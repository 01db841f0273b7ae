#!/usr/bin/env bash
# Back up NTM Tracker: the PostgreSQL database (pg_dump, custom format) and the files (evidence, imported
# workbooks, job results), with a SHA-256 list of the files so that a restore can be checked.
#
#   DATABASE_URL=postgres://USER@HOST:5432/ntm MEDIA_ROOT=/srv/ntm/media scripts/backup.sh /backup/ntm-2026-12-04
#
# Files: from MEDIA_ROOT (rsync) on a single server; when they live in a bucket, set NTM_BACKUP_BUCKET
# (e.g. s3://ntm-files) and they are copied with `aws s3 sync` (AWS_ENDPOINT_URL for MinIO, Ceph or a
# Vietnamese cloud; or use `rclone sync` by hand). The dump is taken first, then the files: a file uploaded
# meanwhile may be copied without its row (harmless), but every row in the dump finds its file.
set -euo pipefail

dest="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
mkdir -p "$dest/files"

# 1. The database: one consistent snapshot (pg_dump runs in one transaction), restorable with pg_restore.
pg_dump --format=custom --no-owner --no-privileges --file="$dest/ntm.dump" "$DATABASE_URL"

# 2. The files, after the dump: every file the dump refers to already exists.
if [ -n "${NTM_BACKUP_BUCKET:-}" ]; then
  aws s3 sync ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} --only-show-errors "$NTM_BACKUP_BUCKET" "$dest/files"
else
  media="${MEDIA_ROOT:?set MEDIA_ROOT (local files) or NTM_BACKUP_BUCKET (a bucket)}"
  if [ -d "$media" ]; then
    if command -v rsync >/dev/null; then rsync -a "$media"/ "$dest/files"/; else cp -a "$media"/. "$dest/files"/; fi
  fi
fi

# 3. What was copied, to be checked after a restore (sha256sum -c).
(cd "$dest/files" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$dest/files.sha256"
echo "Backup written to $dest: ntm.dump ($(du -h "$dest/ntm.dump" | cut -f1)), $(wc -l < "$dest/files.sha256") file(s)."

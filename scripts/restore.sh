#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and a files location, then check the files.
#
#   createdb -h HOST -U USER ntm_restored
#   DATABASE_URL=postgres://USER@HOST:5432/ntm_restored MEDIA_ROOT=/srv/ntm/media scripts/restore.sh /backup/ntm-2026-12-04
#
# With NTM_BACKUP_BUCKET set (e.g. s3://ntm-files) the files go back to that bucket with `aws s3 sync`
# instead of to MEDIA_ROOT. Run `manage.py migrate` afterwards if the code is newer than the backup.
set -euo pipefail

src="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) PostgreSQL database to restore into}"
test -f "$src/ntm.dump" || { echo "$src/ntm.dump not found" >&2; exit 1; }

# 1. The files first, checked against the list written at backup time.
(cd "$src/files" && sha256sum --quiet -c "../files.sha256")
if [ -n "${NTM_BACKUP_BUCKET:-}" ]; then
  aws s3 sync ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} --only-show-errors "$src/files" "$NTM_BACKUP_BUCKET"
else
  media="${MEDIA_ROOT:?set MEDIA_ROOT (local files) or NTM_BACKUP_BUCKET (a bucket)}"
  mkdir -p "$media"
  if command -v rsync >/dev/null; then rsync -a "$src/files"/ "$media"/; else cp -a "$src/files"/. "$media"/; fi
fi

# 2. The database, stopping at the first error (a non-empty target database is one).
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$src/ntm.dump"
echo "Restored $src into the database and $(wc -l < "$src/files.sha256") file(s)."

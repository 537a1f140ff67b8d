package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// FerretDB v1's SQLite backend keeps each collection in a table with a unique index on the expression
// `_ferretdb_sjson->"_id"`, but its UPDATE and DELETE statements select the row by `_ferretdb_sjson->'$._id'`.
// SQLite matches index expressions by their text, so every update or delete by _id scans the whole table:
// 0.9 ms per update at 10 documents, 12 ms at 10,000, growing with the collection (measured). MongoDB serves
// both from its _id index, so a benchmark here measured FerretDB's scans, not our services.
//
// idIndexKeeper adds, to every collection table, an index on the exact expression those statements use.
// It runs beside FerretDB: a table created since the last pass gets its index within `every`. It only ever
// adds indexes FerretDB does not know of (they are not in its metadata, so listIndexes does not show them);
// DROP TABLE removes them with the collection.
type idIndexKeeper struct {
	dir    string
	every  time.Duration
	logger *slog.Logger
	// last change seen per database file (size and mtime of the file and its WAL): unchanged files are skipped.
	seen map[string]string
}

const idIndexSuffix = "__id_path"

func (k *idIndexKeeper) run(ctx context.Context) {
	k.seen = map[string]string{}
	t := time.NewTicker(k.every)
	defer t.Stop()
	for {
		k.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (k *idIndexKeeper) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(k.dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, file := range files {
		stamp := fileStamp(file) + "|" + fileStamp(file+"-wal")
		if k.seen[file] == stamp {
			continue
		}
		if err := k.indexDatabase(ctx, file); err != nil {
			// A database dropped or busy right now: the next pass tries again.
			k.logger.Debug("id index pass skipped a database", "file", file, "err", err)
			continue
		}
		k.seen[file] = stamp
	}
}

func fileStamp(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "-"
	}
	return fmt.Sprintf("%d:%d", info.Size(), info.ModTime().UnixNano())
}

// indexDatabase opens the file without creating it (a dropped database must stay dropped), adds the missing
// indexes and closes it again, so no handle outlives a database FerretDB drops and re-creates.
func (k *idIndexKeeper) indexDatabase(ctx context.Context, file string) error {
	uri := "file:" + filepath.ToSlash(file) + "?mode=rw&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tables, err := queryStrings(ctx, db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return err
	}
	indexed, err := queryStrings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?`, "%"+idIndexSuffix)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, name := range indexed {
		has[name] = true
	}
	for _, table := range tables {
		name := table + idIndexSuffix
		if has[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, name, table)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
	}
	return nil
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

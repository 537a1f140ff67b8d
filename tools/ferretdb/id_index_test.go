package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The statement FerretDB v1.24.2's SQLite backend runs for an update by _id (its UpdateAll).
const updateByID = `UPDATE %q SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?`

// newDatabase lays out a database file as FerretDB does: its collection registry and one collection table
// with FerretDB's own unique _id index (on `->"_id"`, the expression its updates do not use).
func newDatabase(t *testing.T, dir, name, table string) string {
	t.Helper()
	file := filepath.Join(dir, name+".sqlite")
	exec(t, file,
		`CREATE TABLE _ferretdb_collections (name TEXT, table_name TEXT, settings TEXT)`,
		`INSERT INTO _ferretdb_collections VALUES ('things', '`+table+`', '{}')`,
		`CREATE TABLE "`+table+`" (_ferretdb_sjson TEXT NOT NULL) STRICT`,
		`CREATE UNIQUE INDEX "`+table+`__id_" ON "`+table+`" (_ferretdb_sjson->"_id")`,
	)
	return file
}

// exec runs statements on the database file (as FerretDB would have).
func exec(t *testing.T, file string, statements ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range statements {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// requireIndexed fails unless FerretDB's update by _id on the table is served by the keeper's index.
func requireIndexed(t *testing.T, file, table string) {
	t.Helper()
	if plan := updatePlan(t, file, table); !strings.Contains(plan, "USING INDEX "+table+idIndexSuffix) {
		t.Fatalf("update by _id on %s not served by an index: %q", table, plan)
	}
}

func updatePlan(t *testing.T, file, table string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+strings.Replace(updateByID, "%q", `"`+table+`"`, 1), "{}", `"k1"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func keeper(dir string) *idIndexKeeper {
	return &idIndexKeeper{dir: dir, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), seen: map[string]string{}}
}

func TestUpdatesByIDUseAnIndexAfterAPass(t *testing.T) {
	dir := t.TempDir()
	file := newDatabase(t, dir, "store", "things_1a2b")
	if plan := updatePlan(t, file, "things_1a2b"); !strings.Contains(plan, "SCAN") {
		t.Fatalf("expected FerretDB's own index not to serve the update (a scan), got %q", plan)
	}

	keeper(dir).pass(context.Background())

	requireIndexed(t, file, "things_1a2b")
}

func TestATableCreatedLaterIsIndexedOnTheNextPass(t *testing.T) {
	dir := t.TempDir()
	file := newDatabase(t, dir, "store", "things_1a2b")
	k := keeper(dir)
	k.pass(context.Background())

	exec(t, file,
		`INSERT INTO _ferretdb_collections VALUES ('more', 'more_3c4d', '{}')`,
		`CREATE TABLE "more_3c4d" (_ferretdb_sjson TEXT NOT NULL) STRICT`,
	)
	k.pass(context.Background())

	requireIndexed(t, file, "more_3c4d")
}

func TestADroppedDatabaseIsNotRecreated(t *testing.T) {
	dir := t.TempDir()
	file := newDatabase(t, dir, "gone", "things_1a2b")
	k := keeper(dir)
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := k.indexDatabase(context.Background(), file); err == nil {
		t.Fatal("expected an error for a database file that no longer exists")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the keeper re-created a dropped database file (stat: %v)", err)
	}
}

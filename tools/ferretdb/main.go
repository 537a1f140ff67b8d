// Command ferretdb runs an embedded FerretDB v1 (SQLite backend) for local development and tests.
//
// It exists because `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
// panics at start (build/version/version.txt is not part of the module); embedding the public
// `ferretdb` package from our own module sidesteps that.
//
//	ferretdb -listen 127.0.0.1:27017 -data .infra/mongo/data [-log-level error] [-exit-with-parent]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	data := flag.String("data", "data", "directory for the SQLite database files (created if missing)")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error (warn logs every failed command)")
	exitWithParent := flag.Bool("exit-with-parent", false, "stop when the parent process dies (for test harnesses)")
	idPathIndex := flag.Bool("id-path-index", true, "index every collection on the _id expression FerretDB's updates and deletes use (see id_index.go)")
	flag.Parse()

	if err := run(*listen, *data, *logLevel, *exitWithParent, *idPathIndex); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

func run(listen, data, logLevel string, exitWithParent bool, idPathIndex bool) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: %w", logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	if listen == "" {
		return errors.New("-listen must not be empty")
	}
	dir, err := filepath.Abs(data)
	if err != nil {
		return fmt.Errorf("resolving -data: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if exitWithParent {
		ctx = watchParent(ctx)
	}

	if idPathIndex {
		keeper := &idIndexKeeper{dir: dir, every: time.Second, logger: logger}
		go keeper.run(ctx)
	}

	// Printed on stdout so wrappers can tell "process up" from "listener ready" in the log if they want.
	fmt.Printf("ferretdb listening on %s, data in %s (pid %d)\n", listen, dir, os.Getpid())

	// Run returns once ctx is cancelled and the listener, connections and SQLite backend are closed.
	if err := f.Run(ctx); err != nil {
		return err
	}
	fmt.Println("ferretdb stopped")
	return nil
}

// watchParent returns a context cancelled when this process is re-parented, i.e. its parent died.
func watchParent(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	ppid := os.Getppid()
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != ppid {
					fmt.Fprintf(os.Stderr, "ferretdb: parent process %d is gone, stopping\n", ppid)
					cancel()
					return
				}
			}
		}
	}()
	return ctx
}

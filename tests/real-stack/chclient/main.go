// A real ClickHouse client for the front's test: clickhouse-go v2 at the version the collector's clickhouse
// exporter pins, over http://, doing what the exporter and the Grafana plugin do: connect (the hello query),
// ping, DESCRIBE, a batch INSERT into otel_traces shaped like the exporter's (Map, LowCardinality,
// DateTime64, Nested columns), and SELECTs decoded from Native. Prints one JSON object; exits 1 with the
// client's error on stderr.
//
// Usage: chclient <dsn> <database>   (the DSN's compress= picks gzip, none, lz4, ...)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

type result struct {
	Server      string            `json:"server"`
	Version     string            `json:"version"`
	Revision    uint64            `json:"revision"`
	Timezone    string            `json:"timezone"`
	Describe    map[string]string `json:"describe"`
	Inserted    int               `json:"inserted"`
	Rows        []row             `json:"rows"`
	Count       uint64            `json:"count"`
	ParamAnswer uint64            `json:"paramAnswer"`
}

type row struct {
	SpanName       string            `json:"spanName"`
	ServiceName    string            `json:"serviceName"`
	TimestampNanos int64             `json:"timestampNanos"`
	Duration       uint64            `json:"duration"`
	Attributes     map[string]string `json:"attributes"`
	EventNames     []string          `json:"eventNames"`
	EventTimes     []int64           `json:"eventTimes"`
	EventAttrs     []map[string]string `json:"eventAttrs"`
	LinkTraceIds   []string          `json:"linkTraceIds"`
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
	os.Exit(1)
}

func main() {
	dsn, database := os.Args[1], os.Args[2]
	opt, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		fail("parse dsn", err)
	}
	conn, err := clickhouse.Open(opt)
	if err != nil {
		fail("open", err)
	}
	defer conn.Close()
	ctx := context.Background()
	if err := conn.Ping(ctx); err != nil {
		fail("ping", err)
	}
	var res result
	sv, err := conn.ServerVersion()
	if err != nil {
		fail("server version", err)
	}
	res.Server, res.Version, res.Revision, res.Timezone = sv.DisplayName, sv.Version.String(), sv.Revision, sv.Timezone.String()

	// What the logs exporter runs at start to detect optional columns (internal.GetTableColumns).
	res.Describe = map[string]string{}
	rows, err := conn.Query(ctx, fmt.Sprintf("DESC TABLE %q.%q", database, "otel_traces"))
	if err != nil {
		fail("desc", err)
	}
	for rows.Next() {
		var name, typ, skip string
		if err := rows.Scan(&name, &typ, &skip, &skip, &skip, &skip, &skip); err != nil {
			fail("desc scan", err)
		}
		res.Describe[name] = typ
	}
	rows.Close()

	// The traces exporter's insert (sqltemplates/traces_insert.sql): PrepareBatch runs DESCRIBE TABLE, the
	// Send is INSERT ... FORMAT Native with a Native block body.
	batch, err := conn.PrepareBatch(ctx, fmt.Sprintf(`INSERT INTO %q.%q (
		Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
		ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage,
		Events.Timestamp, Events.Name, Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes
	) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, database, "otel_traces"))
	if err != nil {
		fail("prepare batch", err)
	}
	base := time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC)
	for i := 0; i < 3; i++ {
		ts := base.Add(time.Duration(i) * time.Second)
		err := batch.Append(
			ts, fmt.Sprintf("%032x", i+1), fmt.Sprintf("%016x", i+1), "", "",
			fmt.Sprintf("GET /items/%d", i), "Server", "chclient-svc",
			map[string]string{"service.name": "chclient-svc", "host.name": "h1"},
			"chclient", "1.0",
			map[string]string{"http.route": "/items/:id", "http.response.status_code": "200"},
			uint64(1_500_000+i), "Ok", "",
			[]time.Time{ts.Add(time.Millisecond), ts.Add(2 * time.Millisecond)},
			[]string{"exception", "retry"},
			[]map[string]string{{"exception.type": "Error"}, {}},
			[]string{fmt.Sprintf("%032x", 100+i)}, []string{fmt.Sprintf("%016x", 100+i)}, []string{""},
			[]map[string]string{{"link": "yes"}},
		)
		if err != nil {
			fail("append", err)
		}
		res.Inserted++
	}
	if err := batch.Send(); err != nil {
		fail("send", err)
	}

	rows, err = conn.Query(ctx, fmt.Sprintf(`SELECT SpanName, ServiceName, Timestamp, Duration, SpanAttributes,
		Events.Name, Events.Timestamp, Events.Attributes, Links.TraceId
		FROM %q.otel_traces WHERE ServiceName = 'chclient-svc' ORDER BY Timestamp`, database))
	if err != nil {
		fail("select", err)
	}
	for rows.Next() {
		var r row
		var ts time.Time
		var eventTimes []time.Time
		if err := rows.Scan(&r.SpanName, &r.ServiceName, &ts, &r.Duration, &r.Attributes, &r.EventNames, &eventTimes, &r.EventAttrs, &r.LinkTraceIds); err != nil {
			fail("select scan", err)
		}
		r.TimestampNanos = ts.UnixNano()
		for _, t := range eventTimes {
			r.EventTimes = append(r.EventTimes, t.UnixNano())
		}
		res.Rows = append(res.Rows, r)
	}
	if err := rows.Err(); err != nil {
		fail("select rows", err)
	}
	rows.Close()

	if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT count() FROM %q.otel_traces", database)).Scan(&res.Count); err != nil {
		fail("count", err)
	}
	// Server-side query parameters, as the Grafana plugin's macros do not need but clickhouse-go supports.
	if err := conn.QueryRow(clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"n": "41"})), "SELECT {n:UInt64} + 1").Scan(&res.ParamAnswer); err != nil {
		fail("param query", err)
	}

	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

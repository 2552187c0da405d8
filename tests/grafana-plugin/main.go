// Command grafana-plugin runs queries through the Grafana ClickHouse datasource plugin's own Go backend
// (github.com/grafana/clickhouse-datasource, the v4.20.0 release commit): the datasource is built with the
// plugin's NewDatasource from provisioning-style settings and every query goes through its QueryData, as
// Grafana's server hands a panel's or alert rule's query to the plugin. So macro expansion, the HTTP
// connection (clickhouse-go over http, gzip), the type converters and the frame building are the plugin's.
//
// Input (stdin, JSON):
//
//	{"datasource": {"jsonData": {...}, "secureJsonData": {...}},
//	 "queries": [{"key": "...", "refId": "A", "model": {target JSON}, "from": ms, "to": ms,
//	              "intervalMs": n, "maxDataPoints": n}]}
//
// Output (stdout, JSON): {"modules": {path: version}, "results": [{key, refId, error, errorSource,
// executedSql, interpolatedSql, interpolationError, frames: [{name, rows, fields: [{name, type, values}]}]}]}
// Queries run one at a time, one QueryDataRequest each (Grafana sends one per panel); the order is kept.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime/debug"
	"time"

	"github.com/grafana/clickhouse-datasource/pkg/macros"
	"github.com/grafana/clickhouse-datasource/pkg/plugin"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/data/sqlutil"
)

type datasourceInput struct {
	JSONData       json.RawMessage   `json:"jsonData"`
	SecureJSONData map[string]string `json:"secureJsonData"`
}

type queryInput struct {
	Key           string          `json:"key"`
	RefID         string          `json:"refId"`
	Model         json.RawMessage `json:"model"`
	From          int64           `json:"from"`
	To            int64           `json:"to"`
	IntervalMs    int64           `json:"intervalMs"`
	MaxDataPoints int64           `json:"maxDataPoints"`
	// How many values of each field to print for this query (default: the input's values): a variable query
	// needs all of its options.
	Values int `json:"values"`
}

type input struct {
	Datasource datasourceInput `json:"datasource"`
	Queries    []queryInput    `json:"queries"`
	// How many values of each field to print (default 3).
	Values int `json:"values"`
}

type fieldOutput struct {
	Name   string            `json:"name"`
	Type   string            `json:"type"`
	Labels map[string]string `json:"labels,omitempty"`
	Values []any             `json:"values"`
}

type frameOutput struct {
	Name                   string        `json:"name"`
	Rows                   int           `json:"rows"`
	PreferredVisualization string        `json:"preferredVisualization,omitempty"`
	ExecutedQueryString    string        `json:"executedQueryString,omitempty"`
	Fields                 []fieldOutput `json:"fields"`
}

type resultOutput struct {
	Key         string `json:"key"`
	RefID       string `json:"refId"`
	Error       string `json:"error,omitempty"`
	ErrorSource string `json:"errorSource,omitempty"`
	// The SQL the plugin sent to ClickHouse (frame.Meta.ExecutedQueryString, set by sqlds after the plugin's
	// macro expansion), when a frame came back.
	ExecutedSQL string `json:"executedSql,omitempty"`
	// The plugin's macro expansion of the same query (pkg/macros.Interpolate on sqlutil.GetQuery's Query, what
	// sqlds's Interpolator receives), computed even when the query fails before a frame exists.
	InterpolatedSQL    string        `json:"interpolatedSql,omitempty"`
	InterpolationError string        `json:"interpolationError,omitempty"`
	DurationMs         float64       `json:"durationMs"`
	Frames             []frameOutput `json:"frames"`
}

type output struct {
	Modules map[string]string `json:"modules"`
	Results []resultOutput    `json:"results"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "grafana-plugin harness:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var req input
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		return fmt.Errorf("reading the input JSON: %w", err)
	}
	if req.Values == 0 {
		req.Values = 3
	}
	settings := backend.DataSourceInstanceSettings{
		UID:                     "tc9-clickhouse",
		Name:                    "ClickHouse",
		Type:                    "grafana-clickhouse-datasource",
		JSONData:                req.Datasource.JSONData,
		DecryptedSecureJSONData: req.Datasource.SecureJSONData,
		Updated:                 time.Now(),
	}
	ctx := context.Background()
	instance, err := plugin.NewDatasource(ctx, settings)
	if err != nil {
		return fmt.Errorf("plugin.NewDatasource: %w", err)
	}
	defer func() {
		if d, ok := instance.(interface{ Dispose() }); ok {
			d.Dispose()
		}
	}()
	handler, ok := instance.(backend.QueryDataHandler)
	if !ok {
		return fmt.Errorf("the plugin's instance (%T) does not handle QueryData", instance)
	}

	result := output{Modules: modules(), Results: make([]resultOutput, 0, len(req.Queries))}
	for _, q := range req.Queries {
		values := req.Values
		if q.Values > 0 {
			values = q.Values
		}
		result.Results = append(result.Results, runQuery(ctx, handler, &settings, q, values))
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return enc.Encode(result)
}

func runQuery(ctx context.Context, handler backend.QueryDataHandler, settings *backend.DataSourceInstanceSettings, q queryInput, values int) resultOutput {
	refID := q.RefID
	if refID == "" {
		refID = "A"
	}
	dq := backend.DataQuery{
		RefID:         refID,
		JSON:          q.Model,
		Interval:      time.Duration(q.IntervalMs) * time.Millisecond,
		MaxDataPoints: q.MaxDataPoints,
		TimeRange:     backend.TimeRange{From: time.UnixMilli(q.From).UTC(), To: time.UnixMilli(q.To).UTC()},
	}
	res := resultOutput{Key: q.Key, RefID: refID, Frames: []frameOutput{}}

	if sq, err := sqlutil.GetQuery(dq); err != nil {
		res.InterpolationError = err.Error()
	} else if sql, err := macros.Interpolate(sq.RawSQL, sq); err != nil {
		res.InterpolationError = err.Error()
	} else {
		res.InterpolatedSQL = sql
	}

	started := time.Now()
	resp, err := handler.QueryData(ctx, &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{DataSourceInstanceSettings: settings},
		Queries:       []backend.DataQuery{dq},
	})
	res.DurationMs = float64(time.Since(started).Microseconds()) / 1000
	if err != nil {
		res.Error = err.Error()
		return res
	}
	dr, ok := resp.Responses[refID]
	if !ok {
		res.Error = "the plugin returned no response for refId " + refID
		return res
	}
	if dr.Error != nil {
		res.Error = dr.Error.Error()
		res.ErrorSource = string(dr.ErrorSource)
	}
	for _, frame := range dr.Frames {
		res.Frames = append(res.Frames, frameOf(frame, values))
		if frame.Meta != nil && frame.Meta.ExecutedQueryString != "" && res.ExecutedSQL == "" {
			res.ExecutedSQL = frame.Meta.ExecutedQueryString
		}
	}
	return res
}

func frameOf(frame *data.Frame, values int) frameOutput {
	rows, _ := frame.RowLen()
	f := frameOutput{Name: frame.Name, Rows: rows, Fields: []fieldOutput{}}
	if frame.Meta != nil {
		f.PreferredVisualization = string(frame.Meta.PreferredVisualization)
		f.ExecutedQueryString = frame.Meta.ExecutedQueryString
	}
	for _, field := range frame.Fields {
		out := fieldOutput{Name: field.Name, Type: field.Type().ItemTypeString(), Values: []any{}}
		if len(field.Labels) > 0 {
			out.Labels = field.Labels
		}
		for i := 0; i < field.Len() && i < values; i++ {
			out.Values = append(out.Values, jsonValue(field.At(i)))
		}
		f.Fields = append(f.Fields, out)
	}
	return f
}

// jsonValue dereferences nullable values; times as RFC 3339 with milliseconds (UTC).
func jsonValue(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	switch x := rv.Interface().(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case json.RawMessage:
		return string(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x) // JSON has no NaN/Inf
		}
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Sprint(x)
		}
		return x
	default:
		return x
	}
}

// modules reports the versions actually linked, so the test can say which plugin build answered.
func modules() map[string]string {
	m := map[string]string{}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return m
	}
	for _, d := range info.Deps {
		v := d.Version
		if d.Replace != nil {
			v += " => " + d.Replace.Path
			if d.Replace.Version != "" {
				v += " " + d.Replace.Version
			}
		}
		m[d.Path] = v
	}
	return m
}

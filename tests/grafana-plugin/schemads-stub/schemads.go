// Package schemads is a compile-only stand-in for github.com/grafana/schemads v0.2.3, which the ClickHouse
// plugin imports for Grafana's schema-browsing resource API and for "Grafana SQL" (query builder) queries.
// This machine's Go module proxy refuses that module's zip, so go.mod replaces it with this package.
//
// Written here from the plugin's use of it (pkg/plugin/schema.go, datasource.go, driver.go), not copied.
// Nothing on the query path the harness drives depends on it beyond one check: the plugin's
// preprocessGrafanaSQL unmarshals each query into Query and passes it through unchanged unless
// `grafanaSql` is true, which no dashboard target sets. ToSQL therefore fails loudly instead of imitating.
// NewSchemaDatasource returns the next handler: the harness never calls resources.
package schemads

import (
	"context"
	"errors"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type Operator string

const (
	OperatorEquals             Operator = "="
	OperatorNotEquals          Operator = "!="
	OperatorGreaterThan        Operator = ">"
	OperatorGreaterThanOrEqual Operator = ">="
	OperatorLessThan           Operator = "<"
	OperatorLessThanOrEqual    Operator = "<="
	OperatorIn                 Operator = "IN"
	OperatorLike               Operator = "LIKE"
)

type ColumnType string

const (
	ColumnTypeInt8      ColumnType = "int8"
	ColumnTypeInt16     ColumnType = "int16"
	ColumnTypeInt32     ColumnType = "int32"
	ColumnTypeInt64     ColumnType = "int64"
	ColumnTypeUint8     ColumnType = "uint8"
	ColumnTypeUint16    ColumnType = "uint16"
	ColumnTypeUint32    ColumnType = "uint32"
	ColumnTypeUint64    ColumnType = "uint64"
	ColumnTypeFloat32   ColumnType = "float32"
	ColumnTypeFloat64   ColumnType = "float64"
	ColumnTypeBoolean   ColumnType = "boolean"
	ColumnTypeDate      ColumnType = "date"
	ColumnTypeDatetime  ColumnType = "datetime"
	ColumnTypeTimestamp ColumnType = "timestamp"
	ColumnTypeString    ColumnType = "string"
	ColumnTypeDecimal   ColumnType = "decimal"
	ColumnTypeEnum      ColumnType = "enum"
	ColumnTypeJSON      ColumnType = "json"
)

type Column struct {
	Name        string
	Type        ColumnType
	Operators   []Operator
	Description string
}

type Table struct {
	Name    string
	Columns []Column
}

type Schema struct {
	Tables []Table
}

type SchemaRequest struct{}

type SchemaResponse struct {
	FullSchema *Schema
	Errors     string
}

type TablesRequest struct{}

type TablesResponse struct {
	Tables []string
	Errors map[string]string
}

type ColumnsRequest struct {
	Tables  []string
	Headers http.Header
}

type ColumnsResponse struct {
	Columns map[string][]Column
	Errors  map[string]string
}

type ColumnValuesRequest struct {
	Table   string
	Columns []string
}

type ColumnValuesResponse struct {
	ColumnValues map[string][]string
	Errors       map[string]string
}

type SchemaHandler interface {
	Schema(context.Context, *SchemaRequest) (*SchemaResponse, error)
}
type TablesHandler interface {
	Tables(context.Context, *TablesRequest) (*TablesResponse, error)
}
type ColumnsHandler interface {
	Columns(context.Context, *ColumnsRequest) (*ColumnsResponse, error)
}
type ColumnValuesHandler interface {
	ColumnValues(context.Context, *ColumnValuesRequest) (*ColumnValuesResponse, error)
}

type SchemaDatasource struct{}

// NewSchemaDatasource: the real one serves schema resources and forwards the rest to next.
func NewSchemaDatasource(_ SchemaHandler, _ TablesHandler, _ ColumnsHandler, _ any, _ ColumnValuesHandler, next backend.CallResourceHandler) backend.CallResourceHandler {
	return next
}

type Dialect string

const DialectClickHouse Dialect = "clickhouse"

// Query: only the field the plugin's query path reads.
type Query struct {
	GrafanaSql bool `json:"grafanaSql"`
}

func (Query) ToSQL(Dialect) (string, error) {
	return "", errors.New("schemads stub: Grafana SQL (query builder) queries are not supported by the harness")
}

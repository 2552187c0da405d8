module github.com/grafana/schemads

go 1.24

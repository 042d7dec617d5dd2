package main

import "os"

// defaultStation names the station when --station is not given.
func defaultStation(getenv func(string) string) string {
	if s := getenv("SHINSEI_STATION"); s != "" {
		return s
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "station"
}

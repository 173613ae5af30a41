// Package dispatch is the root of tgdispatch, the guard dispatch service:
// alerts from terminals become incidents (dispatch/incident), are kept in
// SQLite or PostgreSQL (dispatch/store), arrive through a shared MQTT
// subscription (dispatch/ingest), are worked by guards in a browser
// (dispatch/web, dispatch/auth) and every step goes back to the terminal so
// the customer's screen says help is coming (dispatch/service).
package dispatch

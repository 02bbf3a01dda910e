package corpus

import (
	"errors"
	"fmt"
)

// Error codes: stable strings a client can act on. The server maps them to HTTP
// statuses in one place.
const (
	EInvalidRequest = "invalid_request"   // a parameter is wrong
	EInvalidQuery   = "invalid_query"     // the query text does not parse
	EInvalidDate    = "invalid_date"      // a date does not parse or the range is empty
	EPageOutOfRange = "page_out_of_range" // the page is past the results
	ENotFound       = "not_found"         // no such article
	EInternal       = "internal"          // our fault; details are logged, not shown

	EUnauthorized  = "unauthorized"    // a request without a key that the archive knows
	EForbidden     = "forbidden"       // a key whose scope does not allow the request
	EWritesOff     = "writes_disabled" // the server was started without a write token
	ETooLarge      = "too_large"       // a request body over the size limit
	EStorageFull   = "storage_full"    // the disk holding the archive is full
	EStorageFailed = "storage_failed"  // the archive cannot be written (read-only, I/O error)

	EQueryTooCostly = "query_too_costly" // the query is over a cost limit (length, clauses, expansions)
	EBusy           = "busy"             // too many expensive searches at once: retry after a moment
)

// Error is an error a user can act on: Message says what is wrong and how to fix it.
type Error struct {
	Code    string
	Message string
	// Offset is the character (rune) offset in the query text where the problem
	// is, or -1 when the error is not about one place in it.
	Offset int
	// Hint says how to fix the problem, where Message alone does not.
	Hint string
	// RetryAfter is how long a caller should wait before trying again (EBusy).
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + ": " + e.Hint
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Offset: -1}
}

// QueryErrorf returns an EInvalidQuery *Error about the character at offset
// (counted in runes from the start of the query text) with a hint on how to fix it.
func QueryErrorf(offset int, hint, format string, args ...any) *Error {
	return &Error{Code: EInvalidQuery, Message: fmt.Sprintf(format, args...), Offset: offset, Hint: hint}
}

// ErrorCode returns the code of the *Error in err's chain, EInternal for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of the *Error in err's chain, and a generic
// "internal error" for any other error so that internals never reach a user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "internal error"
}

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

	EUnauthorized  = "unauthorized"    // a write without the right Bearer token
	EWritesOff     = "writes_disabled" // the server was started without a write token
	ETooLarge      = "too_large"       // a request body over the size limit
	EStorageFull   = "storage_full"    // the disk holding the archive is full
	EStorageFailed = "storage_failed"  // the archive cannot be written (read-only, I/O error)
)

// Error is an error a user can act on: Message says what is wrong and how to fix it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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

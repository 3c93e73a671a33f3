// Closes a switch over a union (a forum event's type, an error's code, a phase): called in the
// switch's default with the value switched on, it compiles only while every member has a case of
// its own, so a member added to the union breaks the build at each switch until someone decides
// what it does there. It does nothing at run time; the default goes on as it says.

export function everyCaseHandled(_value: never): void {}

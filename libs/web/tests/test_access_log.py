"""One JSON access line per request, on the logger the service names."""

from libs.web.tests.webapp import NOTES


def access_lines(log_lines):
    return [line for line in log_lines() if line["logger"] == "notes.access"]


def test_the_line_has_method_route_template_status_duration_id_and_user(client, log_lines):
    response = client.get(f"{NOTES}/9999")
    (line,) = access_lines(log_lines)
    assert line["message"] == f"GET {NOTES}/<int:note_id> 404"
    assert (line["method"], line["route"], line["status"]) == ("GET", f"{NOTES}/<int:note_id>", 404)
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] is None


def test_an_unmatched_path_is_logged_under_one_route(client, log_lines):
    client.get("/no/such/path/123")
    (line,) = access_lines(log_lines)
    assert line["route"] == "<unmatched>"
    assert line["status"] == 404


def test_an_error_response_logs_the_same_request_id_it_returns(client, log_lines):
    response = client.get("/probe/fail")
    lines = log_lines()
    (error,) = (line for line in lines if line["logger"] == "notes.errors")
    (access,) = (line for line in lines if line["logger"] == "notes.access")
    assert access["status"] == 500
    assert error["request_id"] == access["request_id"] == response.get_json()["request_id"]
    assert "Traceback" in error["exc_info"]

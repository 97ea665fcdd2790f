"""The OpenAPI spec documents every error as a problem document, on every operation."""

from http import HTTPStatus

from libs.web.tests.webapp import NOTES

PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}


def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def documented_errors(response_list):
    return {code for code in response_list if code == "default" or int(code) >= 400}


def test_each_operation_lists_the_errors_it_can_answer(client):
    paths = spec(client)["paths"]
    assert documented_errors(paths[NOTES]["get"]["responses"]) == {"default", "500", "503"}
    with_body = documented_errors(paths[NOTES]["post"]["responses"])
    assert with_body == {"default", "400", "413", "415", "422", "500", "503"}
    with_id = documented_errors(paths[f"{NOTES}/{{note_id}}"]["get"]["responses"])
    assert with_id == {"default", "404", "500", "503"}


def test_every_error_response_is_a_problem(client):
    document = spec(client)
    for name, response in document["components"]["responses"].items():
        if name == "DEFAULT_ERROR" or HTTPStatus[name] >= 400:
            assert response["content"] == {"application/problem+json": PROBLEM}, name
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for code, response in operation["responses"].items():
                if code in documented_errors([code]) and "$ref" not in response:
                    assert response["content"] == {"application/problem+json": PROBLEM}, (
                        path,
                        method,
                        code,
                    )


def test_the_problem_schema_has_the_documented_members(client):
    properties = spec(client)["components"]["schemas"]["Problem"]["properties"]
    assert set(properties) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "request_id",
        "errors",
        "checks",
    }


def test_routes_outside_the_api_stay_out_of_the_spec(client):
    paths = spec(client)["paths"]
    assert "/metrics" not in paths
    assert not any(path.startswith("/probe") for path in paths)

# The production root with its terraform.tfvars, on a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
}

run "production_is_highly_available_and_protected" {
  command = apply

  assert {
    condition     = output.database.multi_az == true
    error_message = "The production database must be Multi-AZ."
  }

  assert {
    condition     = output.database.deletion_protection == true
    error_message = "The production database must be protected from deletion."
  }

  assert {
    condition     = output.database.publicly_accessible == false && output.database.storage_encrypted == true
    error_message = "The production database must be private and encrypted."
  }

  assert {
    condition     = output.nat_gateway_count == length(var.availability_zones)
    error_message = "Production has one NAT gateway per availability zone."
  }

  assert {
    condition     = startswith(output.service_url, "https://")
    error_message = "Production serves HTTPS."
  }
}

run "production_requires_a_certificate" {
  command = plan

  variables {
    certificate_arn = "none"
  }

  expect_failures = [var.certificate_arn]
}

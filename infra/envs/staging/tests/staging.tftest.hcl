# The staging root with its terraform.tfvars, on a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

run "staging_is_cheap_but_private" {
  command = apply

  assert {
    condition     = output.nat_gateway_count == 1
    error_message = "Staging shares one NAT gateway."
  }

  assert {
    condition     = output.database.multi_az == false && output.database.deletion_protection == false
    error_message = "Staging runs a single-AZ database that can be torn down."
  }

  assert {
    condition     = output.database.publicly_accessible == false && output.database.storage_encrypted == true
    error_message = "Even staging keeps the database private and encrypted."
  }

  assert {
    condition     = startswith(output.service_url, "http://")
    error_message = "Without certificate_arn staging runs in HTTP-only mode."
  }

  assert {
    condition     = output.deploy_role_arn == null
    error_message = "No deploy role without github_repository."
  }

  assert {
    condition     = output.cluster_name == "api-staging" && output.service_name == "api-staging" && output.migration_task_family == "api-staging-migrate"
    error_message = "Names follow <project>-<environment>."
  }

  assert {
    condition     = jsondecode(output.network_configuration).awsvpcConfiguration.assignPublicIp == "DISABLED"
    error_message = "The migration task runs like the service, without a public IP."
  }
}

run "github_deploys_and_https" {
  command = apply

  variables {
    github_repository = "acme/api"
    certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = output.deploy_role_arn != null
    error_message = "Setting github_repository creates the deploy role."
  }

  assert {
    condition     = startswith(output.service_url, "https://")
    error_message = "With a certificate the service URL is HTTPS."
  }
}

# The environment's ECS cluster, which every service of the environment runs in.

mock_provider "aws" {
  source = "../mocks"
}

run "cluster" {
  command = plan

  module {
    source = "../../modules/cluster"
  }

  variables {
    name = "api-test"
    tags = { Environment = "test" }
  }

  assert {
    condition     = aws_ecs_cluster.this.name == "api-test" && output.name == "api-test"
    error_message = "The cluster is named after the environment."
  }

  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be on."
  }
}

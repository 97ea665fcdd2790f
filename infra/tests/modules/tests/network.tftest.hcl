# The network module: public and private subnets over the given AZs, NAT shared or per AZ.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name               = "api-test"
  availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
}

run "nat_per_availability_zone" {
  command = plan

  module {
    source = "../../modules/network"
  }

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_nat_gateway.this) == 3
    error_message = "Each AZ gets a public subnet, a private subnet and its own NAT gateway."
  }

  assert {
    condition     = alltrue([for subnet in aws_subnet.private : subnet.map_public_ip_on_launch == false])
    error_message = "Private subnets never assign public IPs."
  }

  assert {
    condition     = length(setintersection(toset(aws_subnet.public[*].cidr_block), toset(aws_subnet.private[*].cidr_block))) == 0
    error_message = "Public and private subnets must not overlap."
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.retention_in_days == 365
    error_message = "All VPC traffic is logged and the logs are retained."
  }
}

run "single_nat_for_staging" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b"]
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "One NAT gateway serves the private subnets of both AZs."
  }
}

run "needs_two_availability_zones" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    availability_zones = ["eu-west-1a"]
  }

  expect_failures = [var.availability_zones]
}

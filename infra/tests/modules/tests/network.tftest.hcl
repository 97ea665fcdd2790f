# The network module: public and private subnets over the given AZs, VPC endpoints for what
# tasks reach, and NAT only when asked for.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name               = "api-test"
  availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
}

run "endpoints_instead_of_nat" {
  command = apply

  module {
    source = "../../modules/network"
  }

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_nat_gateway.this) == 0 && length(aws_route.private_nat) == 0
    error_message = "Each AZ gets a public and a private subnet; by default no NAT gateway and no route out of the private subnets."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3" && toset(aws_vpc_endpoint.s3.route_table_ids) == toset(aws_route_table.private[*].id)
    error_message = "S3 (image layers) is reached through a gateway endpoint on the private route tables."
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager"])
    error_message = "ECR, CloudWatch Logs and Secrets Manager have interface endpoints."
  }

  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.vpc_endpoint_type == "Interface" && e.private_dns_enabled && toset(e.subnet_ids) == toset(aws_subnet.private[*].id) && e.security_group_ids == toset([aws_security_group.endpoints.id])])
    error_message = "Each interface endpoint has private DNS, sits in every private subnet and has the endpoints' security group."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints.from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints.cidr_ipv4 == aws_vpc.this.cidr_block
    error_message = "The endpoints accept HTTPS from inside the VPC only."
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

run "nat_per_availability_zone" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    nat_gateways = "per_az"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_route.private_nat) == 3
    error_message = "per_az gives each AZ its own NAT gateway."
  }
}

run "single_nat" {
  command = plan

  module {
    source = "../../modules/network"
  }

  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b"]
    nat_gateways       = "single"
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

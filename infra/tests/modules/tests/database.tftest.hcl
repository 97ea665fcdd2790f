# The database module: private, encrypted, SSL-only, reachable from the service alone.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name                     = "api-test"
  vpc_id                   = "vpc-0123456789abcdef0"
  subnet_ids               = ["subnet-0a", "subnet-0b"]
  client_security_group_id = "sg-0service"
  kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
}

run "defaults_are_production_grade" {
  command = apply

  module {
    source = "../../modules/database"
  }

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database must not be publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted == true && aws_db_instance.this.kms_key_id == var.kms_key_arn
    error_message = "Database storage must be encrypted with the environment key."
  }

  assert {
    condition     = aws_db_instance.this.multi_az == true && aws_db_instance.this.deletion_protection == true
    error_message = "By default the database is Multi-AZ and protected from deletion."
  }

  assert {
    condition     = aws_db_instance.this.skip_final_snapshot == false && aws_db_instance.this.final_snapshot_identifier == "${var.name}-final"
    error_message = "A protected database takes a final snapshot when deleted."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "RDS must manage the master password in Secrets Manager; no password in Terraform."
  }

  assert {
    condition     = aws_db_instance.this.backup_retention_period >= 7
    error_message = "Automated backups must be kept at least a week."
  }

  assert {
    condition = alltrue([
      for name in aws_db_instance.this.enabled_cloudwatch_logs_exports :
      aws_cloudwatch_log_group.exports[name].retention_in_days == 365
      && aws_cloudwatch_log_group.exports[name].name == "/aws/rds/instance/${var.name}/${name}"
    ])
    error_message = "The logs PostgreSQL exports go to encrypted log groups with retention."
  }

  assert {
    condition     = aws_db_instance.this.performance_insights_enabled == true
    error_message = "Performance Insights must be on."
  }

  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "The parameter group must force SSL."
  }

  assert {
    condition     = aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "The instance must use the SSL-forcing parameter group."
  }

  assert {
    condition     = aws_db_instance.this.vpc_security_group_ids == toset([aws_security_group.this.id])
    error_message = "The instance must sit in its own security group only."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.client.referenced_security_group_id == var.client_security_group_id
      && aws_vpc_security_group_ingress_rule.client.cidr_ipv4 == null
      && aws_vpc_security_group_ingress_rule.client.cidr_ipv6 == null
      && aws_vpc_security_group_ingress_rule.client.from_port == 5432
      && aws_vpc_security_group_ingress_rule.client.to_port == 5432
      && aws_vpc_security_group_ingress_rule.client.ip_protocol == "tcp"
    )
    error_message = "PostgreSQL must accept connections on 5432 from the service security group only."
  }

  assert {
    condition     = length(aws_security_group.this.ingress) == 0 && length(aws_security_group.this.egress) == 0
    error_message = "The database security group must have no inline rules."
  }
}

run "lifting_protection_keeps_the_final_snapshot" {
  command = plan

  module {
    source = "../../modules/database"
  }

  variables {
    multi_az              = false
    deletion_protection   = false
    final_snapshot_suffix = "final-20261202-004500"
  }

  # The defect this guards against: lifting deletion protection to destroy also skipped the
  # final snapshot, so the teardown lost the data.
  assert {
    condition     = aws_db_instance.this.deletion_protection == false && aws_db_instance.this.skip_final_snapshot == false
    error_message = "An unprotected instance still takes a final snapshot when deleted."
  }

  assert {
    condition     = aws_db_instance.this.final_snapshot_identifier == "${var.name}-final-20261202-004500" && output.final_snapshot_identifier == aws_db_instance.this.final_snapshot_identifier
    error_message = "The final snapshot is named with the suffix given."
  }

  assert {
    condition     = aws_db_instance.this.multi_az == false
    error_message = "Single-AZ is a setting."
  }

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false && aws_db_instance.this.storage_encrypted == true
    error_message = "Cheaper settings never relax encryption or exposure."
  }
}

run "backup_retention_is_bounded" {
  command = plan

  module {
    source = "../../modules/database"
  }

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}

run "snapshot_suffix_is_an_identifier" {
  command = plan

  module {
    source = "../../modules/database"
  }

  variables {
    final_snapshot_suffix = "Final 2026"
  }

  expect_failures = [var.final_snapshot_suffix]
}

# The service module: private Fargate tasks behind the load balancer, secrets injected by ECS.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name          = "api-test"
  cluster       = { name = "shared", arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared" }
  vpc_id        = "vpc-0123456789abcdef0"
  subnet_ids    = ["subnet-0a", "subnet-0b"]
  aws_endpoints = { security_group_id = "sg-0endpoints", s3_prefix_list_id = "pl-6da54004" }
  rate_limit_store = {
    security_group_id = "sg-0store"
    port              = 6379
    uri_secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-test/rate-limit-storage-uri-AbCdEf"
  }
  image                   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api-test:v1.2.3"
  alb_security_group_id   = "sg-0alb"
  target_group_arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef"
  alb_arn_suffix          = "app/api/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/api/0123456789abcdef"
  ecr_repository_arn      = "arn:aws:ecr:eu-west-1:123456789012:repository/api-test"
  kms_key_arn             = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
  log_retention_days      = 90
  secrets = {
    AUTH_PUBLIC_KEYS = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-test/auth-public-keys-AbCdEf"
  }
  database = {
    host                = "api.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    port                = 5432
    name                = "app"
    user                = "app"
    password_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf"
    security_group_id   = "sg-0db"
    resource_id         = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0"
  }
}

run "service" {
  command = apply

  module {
    source = "../../modules/service"
  }

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "Tasks must not get a public IP."
  }

  assert {
    condition     = toset(aws_ecs_service.this.network_configuration[0].subnets) == toset(var.subnet_ids)
    error_message = "Tasks must run in the given private subnets."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable == true && aws_ecs_service.this.deployment_circuit_breaker[0].rollback == true
    error_message = "A failing deployment must stop and roll back."
  }

  assert {
    condition = (
      one(aws_ecs_service.this.load_balancer).target_group_arn == var.target_group_arn
      && one(aws_ecs_service.this.load_balancer).container_port == 8000
      && one(aws_ecs_service.this.load_balancer).container_name == "app"
    )
    error_message = "The service must register the app container's port 8000 in the target group."
  }

  assert {
    condition     = aws_ecs_service.this.launch_type == "FARGATE" && aws_ecs_service.this.desired_count == var.min_capacity
    error_message = "The service runs on Fargate and starts at min_capacity tasks."
  }

  assert {
    condition     = aws_ecs_service.this.cluster == var.cluster.arn && output.cluster_arn == var.cluster.arn
    error_message = "The service must run in the cluster it is given, which the environment's services share."
  }

  assert {
    condition     = aws_appautoscaling_target.this.resource_id == "service/shared/api-test"
    error_message = "Autoscaling must target the service in the shared cluster."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image == var.image
    error_message = "The image variable must reach the app task definition."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].image == var.image
    error_message = "The migration task must run the same image."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].command == ["python", "-m", "services.api.manage", "db", "upgrade"]
    error_message = "The migration task must run the database upgrade."
  }

  assert {
    condition     = !contains(keys(jsondecode(aws_ecs_task_definition.app.container_definitions)[0]), "command")
    error_message = "Without app_command the app container keeps the image's CMD."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].portMappings[0].containerPort == 8000
    error_message = "The app container must expose port 8000."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.this.retention_in_days == 90
      && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
      && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.logDriver == "awslogs"
      && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.options["awslogs-group"] == aws_cloudwatch_log_group.this.name
      && jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].logConfiguration.options["awslogs-group"] == aws_cloudwatch_log_group.this.name
    )
    error_message = "Both containers must log to the encrypted log group, which keeps logs for log_retention_days."
  }

  assert {
    condition = {
      for s in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets : s.name => s.valueFrom
      } == {
      AUTH_PUBLIC_KEYS       = var.secrets.AUTH_PUBLIC_KEYS
      RATE_LIMIT_STORAGE_URI = var.rate_limit_store.uri_secret_arn
    }
    error_message = "The given secrets, and no database password, must be injected into the app."
  }

  assert {
    condition = {
      for s in jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].secrets : s.name => s.valueFrom
      } == {
      DB_PASSWORD            = "${var.database.password_secret_arn}:password::"
      AUTH_PUBLIC_KEYS       = var.secrets.AUTH_PUBLIC_KEYS
      RATE_LIMIT_STORAGE_URI = var.rate_limit_store.uri_secret_arn
    }
    error_message = "The roles task, alone, gets the master password, besides the app's secrets."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].image == var.image
      && jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].command == ["python", "-m", "services.api.manage", "db-roles"]
      && jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].name == "roles"
      && aws_ecs_task_definition.roles.task_role_arn == null
      && output.roles_task_family == "api-test-roles"
    )
    error_message = "The roles task runs db-roles in the same image, with no task role, in the family the deploy reads."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].environment : e.name => e.value
      if startswith(e.name, "DB_")
      } == {
      DB_HOST           = var.database.host
      DB_PORT           = "5432"
      DB_NAME           = "app"
      DB_USER           = "app"
      DB_SSLMODE        = "require"
      DB_AUTH           = "password"
      DB_MIGRATION_ROLE = "api_test_migrator"
      DB_SERVICE_ROLE   = "api_test_service"
    }
    error_message = "The roles task logs in as the master user with its password and names the two roles."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.name => e.value
      if contains(["DB_USER", "DB_AUTH", "AWS_REGION"], e.name)
    } == { DB_USER = "api_test_migrator", DB_AUTH = "iam", AWS_REGION = "eu-west-1" }
    error_message = "The migration task logs in as the migration role with IAM tokens."
  }

  assert {
    condition     = aws_ecs_task_definition.migrate.task_role_arn == aws_iam_role.migrate.arn && aws_ecs_task_definition.app.task_role_arn == aws_iam_role.task.arn
    error_message = "The migration task and the app run as task roles of their own."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.task.policy).Statement[0].Action == "rds-db:connect"
      && jsondecode(aws_iam_role_policy.task.policy).Statement[0].Resource == "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/api_test_service"
      && length(jsondecode(aws_iam_role_policy.task.policy).Statement) == 1
      && aws_iam_role_policy.task.role == aws_iam_role.task.id
    )
    error_message = "The app's task role may log in to the database as the service role, and nothing else."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.migrate.policy).Statement[0].Action == "rds-db:connect"
      && jsondecode(aws_iam_role_policy.migrate.policy).Statement[0].Resource == "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/api_test_migrator"
      && length(jsondecode(aws_iam_role_policy.migrate.policy).Statement) == 1
      && aws_iam_role_policy.migrate.role == aws_iam_role.migrate.id
    )
    error_message = "The migration task's role may log in as the migration role, and nothing else."
  }

  assert {
    condition     = output.secrets == { for s in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets : s.name => s.valueFrom }
    error_message = "The secrets output must say what the app container gets."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].secrets == jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets
    error_message = "The migration task needs the same secrets (and no database password either)."
  }

  assert {
    condition = length([
      for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name
      if length(regexall("PASSWORD|SECRET|KEY", e.name)) > 0
    ]) == 0
    error_message = "No secret may be a plain environment variable."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value
      if contains(["APP_ENV", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SSLMODE", "DB_AUTH", "AWS_REGION"], e.name)
      } == {
      APP_ENV    = "production"
      DB_HOST    = var.database.host
      DB_PORT    = "5432"
      DB_NAME    = "app"
      DB_USER    = "api_test_service"
      DB_SSLMODE = "require"
      DB_AUTH    = "iam"
      AWS_REGION = "eu-west-1"
    }
    error_message = "The app must get APP_ENV=production and where the database is, as the service role with IAM tokens over TLS."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The root file system of the container must be read-only."
  }

  assert {
    condition     = aws_ecs_task_definition.app.execution_role_arn == aws_iam_role.execution.arn && aws_ecs_task_definition.app.task_role_arn == aws_iam_role.task.arn
    error_message = "Tasks must use the module's execution and task roles."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.from_alb.security_group_id == aws_security_group.this.id
      && aws_vpc_security_group_ingress_rule.from_alb.referenced_security_group_id == var.alb_security_group_id
      && aws_vpc_security_group_ingress_rule.from_alb.cidr_ipv4 == null
      && aws_vpc_security_group_ingress_rule.from_alb.from_port == 8000
      && aws_vpc_security_group_ingress_rule.from_alb.to_port == 8000
    )
    error_message = "Tasks must accept traffic on 8000 from the load balancer only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.alb_to_service.security_group_id == var.alb_security_group_id
      && aws_vpc_security_group_egress_rule.alb_to_service.referenced_security_group_id == aws_security_group.this.id
      && aws_vpc_security_group_egress_rule.alb_to_service.from_port == 8000
      && aws_vpc_security_group_egress_rule.alb_to_service.to_port == 8000
    )
    error_message = "The load balancer may send only to the tasks on 8000."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.to_database.referenced_security_group_id == var.database.security_group_id
      && aws_vpc_security_group_egress_rule.to_database.from_port == 5432
      && aws_vpc_security_group_egress_rule.to_database.to_port == 5432
    )
    error_message = "Tasks reach PostgreSQL on 5432 in the database security group only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.to_endpoints.referenced_security_group_id == "sg-0endpoints"
      && aws_vpc_security_group_egress_rule.to_endpoints.from_port == 443
      && aws_vpc_security_group_egress_rule.to_s3.prefix_list_id == "pl-6da54004"
      && aws_vpc_security_group_egress_rule.to_s3.to_port == 443
      && aws_vpc_security_group_egress_rule.to_endpoints.cidr_ipv4 == null
      && aws_vpc_security_group_egress_rule.to_s3.cidr_ipv4 == null
    )
    error_message = "Tasks reach HTTPS only at the VPC's AWS endpoints and S3's prefix list, never an internet address."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.to_rate_limit_store.referenced_security_group_id == "sg-0store"
      && aws_vpc_security_group_egress_rule.to_rate_limit_store.from_port == 6379
      && aws_vpc_security_group_ingress_rule.rate_limit_store_from_service.security_group_id == "sg-0store"
      && aws_vpc_security_group_ingress_rule.rate_limit_store_from_service.referenced_security_group_id == aws_security_group.this.id
    )
    error_message = "The tasks, and only they, reach the rate-limit store on its port."
  }

  assert {
    condition     = length(aws_security_group.this.egress) == 0 && length(aws_security_group.this.ingress) == 0
    error_message = "The service security group must have no inline rules."
  }

  assert {
    condition     = length(aws_security_group.this.ingress) == 0
    error_message = "The service security group must have no inline ingress."
  }

  assert {
    condition = (
      aws_appautoscaling_target.this.min_capacity == var.min_capacity
      && aws_appautoscaling_target.this.max_capacity == var.max_capacity
      && aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
      && aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
      && aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    )
    error_message = "The service must scale between min and max on CPU and on ALB requests per target."
  }
}

run "commands_are_variables" {
  command = apply

  module {
    source = "../../modules/service"
  }

  variables {
    app_command       = ["gunicorn", "--bind", "0.0.0.0:8000", "services.api.wsgi:app"]
    migration_command = ["flask", "db", "upgrade"]
    roles_command     = ["flask", "db-roles"]
  }

  assert {
    condition     = tolist(jsondecode(aws_ecs_task_definition.roles.container_definitions)[0].command) == var.roles_command
    error_message = "roles_command must reach the roles container."
  }

  assert {
    condition     = tolist(jsondecode(aws_ecs_task_definition.app.container_definitions)[0].command) == var.app_command
    error_message = "app_command must reach the app container."
  }

  assert {
    condition     = tolist(jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].command) == var.migration_command
    error_message = "migration_command must reach the migration container."
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  region = data.aws_region.current.name

  # Database roles (modules/service creates none: the roles task does, with `manage db-roles`):
  # the migrations log in as one that owns the schema, the app as one that reads and writes rows.
  role_prefix    = replace(var.name, "-", "_")
  migration_role = "${local.role_prefix}_migrator"
  service_role   = "${local.role_prefix}_service"
  dbuser_arn     = "arn:${data.aws_partition.current.partition}:rds-db:${local.region}:${data.aws_caller_identity.current.account_id}:dbuser:${var.database.resource_id}"

  shared_environment = merge(var.environment, {
    APP_ENV    = var.app_env
    DB_HOST    = var.database.host
    DB_PORT    = tostring(var.database.port)
    DB_NAME    = var.database.name
    DB_SSLMODE = "require" # RDS accepts IAM tokens over TLS only
    # ECS sets it on Fargate too; the IAM tokens are signed for it.
    AWS_REGION = local.region
    # The ALB is the one proxy in front: rate limits key on the client it names.
    RATE_LIMIT_TRUSTED_PROXIES = "1"
  })
  # The app and the migrations log in with a fresh IAM token per connection: no password.
  app_environment       = merge(local.shared_environment, { DB_USER = local.service_role, DB_AUTH = "iam" })
  migration_environment = merge(local.shared_environment, { DB_USER = local.migration_role, DB_AUTH = "iam" })
  # The roles task alone logs in as the master user, with the password RDS manages.
  roles_environment = merge(local.shared_environment, {
    DB_USER           = var.database.user
    DB_AUTH           = "password"
    DB_MIGRATION_ROLE = local.migration_role
    DB_SERVICE_ROLE   = local.service_role
  })

  # Values are resolved by the ECS agent at task start; they never appear in the task definition.
  # The rate-limit store's URI holds its token, so it is a secret as a whole.
  secret_arns = merge(var.secrets, { RATE_LIMIT_STORAGE_URI = var.rate_limit_store.uri_secret_arn })
  secrets     = [for name, arn in local.secret_arns : { name = name, valueFrom = arn }]
  roles_secrets = concat(
    [{ name = "DB_PASSWORD", valueFrom = "${var.database.password_secret_arn}:password::" }],
    local.secrets,
  )

  # The one container may use the whole task; explicit so every ECS implementation agrees.
  container_base = {
    image                  = var.image
    essential              = true
    cpu                    = var.cpu
    memory                 = var.memory
    readonlyRootFilesystem = var.readonly_root_filesystem
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters        = { initProcessEnabled = true }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-service"
  description = "Tasks of ${var.name}: from the load balancer only; out to PostgreSQL, the rate-limit store and the AWS endpoints"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-service" })
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.this.id
  description                  = "Load balancer to the app port"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb_security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  security_group_id            = var.alb_security_group_id
  description                  = "Load balancer to the app port of the tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_database" {
  security_group_id            = aws_security_group.this.id
  description                  = "Tasks to PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_rate_limit_store" {
  security_group_id            = aws_security_group.this.id
  description                  = "Tasks to the rate-limit store (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = var.rate_limit_store.port
  to_port                      = var.rate_limit_store.port
  referenced_security_group_id = var.rate_limit_store.security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "rate_limit_store_from_service" {
  security_group_id            = var.rate_limit_store.security_group_id
  description                  = "Tasks of ${var.name} to the rate-limit store"
  ip_protocol                  = "tcp"
  from_port                    = var.rate_limit_store.port
  to_port                      = var.rate_limit_store.port
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

# ECR, Secrets Manager and CloudWatch Logs through the VPC's interface endpoints, image layers
# from S3 through its gateway endpoint: nothing else, and nothing on the internet.
resource "aws_vpc_security_group_egress_rule" "to_endpoints" {
  security_group_id            = aws_security_group.this.id
  description                  = "Tasks to the AWS interface endpoints over HTTPS"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.aws_endpoints.security_group_id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_s3" {
  security_group_id = aws_security_group.this.id
  description       = "Tasks to S3 (image layers) through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.aws_endpoints.s3_prefix_list_id

  tags = var.tags
}

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  description        = "ECS agent of ${var.name}: pulls the image, writes logs, reads its secrets"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "ReadSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = concat([var.database.password_secret_arn], values(local.secret_arns))
  }

  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-log-read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Each task role may log in to the database as its own role, and do nothing else.
locals {
  connect_policies = {
    for task, role in { service = local.service_role, migration = local.migration_role } :
    task => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "ConnectToTheDatabase"
        Effect   = "Allow"
        Action   = "rds-db:connect"
        Resource = "${local.dbuser_arn}/${role}"
      }]
    })
  }
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "The app's own identity in ${var.name}: logs in to its database as ${local.service_role}"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "task" {
  name   = "connect-as-${local.service_role}"
  role   = aws_iam_role.task.id
  policy = local.connect_policies.service
}

resource "aws_iam_role" "migrate" {
  name               = "${var.name}-migrate"
  description        = "The migration task's identity in ${var.name}: logs in to its database as ${local.migration_role}"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "migrate" {
  name   = "connect-as-${local.migration_role}"
  role   = aws_iam_role.migrate.id
  policy = local.connect_policies.migration
}


resource "aws_ecs_task_definition" "app" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.container_base, {
      name         = "app"
      environment  = [for key, value in local.app_environment : { name = key, value = value }]
      secrets      = local.secrets
      portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "app"
        }
      }
    }, var.app_command == null ? {} : { command = var.app_command })
  ])

  tags = var.tags
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.migrate.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.container_base, {
      name        = "migrate"
      command     = var.migration_command
      environment = [for key, value in local.migration_environment : { name = key, value = value }]
      secrets     = local.secrets
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "migrate"
        }
      }
    })
  ])

  tags = var.tags
}

# The one-off task every deploy runs before the migrations: it creates the two database roles
# and their rights as the master user. It calls no AWS API, so it has no task role.
resource "aws_ecs_task_definition" "roles" {
  family                   = "${var.name}-roles"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.container_base, {
      name        = "roles"
      command     = var.roles_command
      environment = [for key, value in local.roles_environment : { name = key, value = value }]
      secrets     = local.roles_secrets
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "roles"
        }
      }
    })
  ])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster.arn
  task_definition                    = aws_ecs_task_definition.app.arn
  desired_count                      = var.min_capacity
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check_grace_period_seconds
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "app"
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # Deploys (tools/deploy) register task definition revisions and autoscaling sets the
  # count; Terraform must not roll either back on its next apply.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity

  tags = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

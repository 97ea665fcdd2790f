variable "name" {
  description = "Name of the service and its task definition family, and prefix of its other resources and of its database roles (<name>_migrator, <name>_service, dashes as underscores)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,50}$", var.name))
    error_message = "Use lower-case letters, digits and dashes (the database role names derive from it)."
  }
}

variable "cluster" {
  description = "The environment's ECS cluster (modules/cluster), which the service runs in beside the others."
  type = object({
    name = string
    arn  = string
  })
}

variable "vpc_id" {
  description = "VPC of the service security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in; they get no public IP and reach AWS APIs through the VPC endpoints."
  type        = list(string)
}

variable "aws_endpoints" {
  description = "The VPC endpoints the tasks may reach over HTTPS (modules/network): the interface endpoints' security group and S3's gateway prefix list."
  type = object({
    security_group_id = string
    s3_prefix_list_id = string
  })
}

variable "image" {
  description = "Image the task definitions start with (registry/repository:tag); deploys register new revisions with other tags."
  type        = string
}

variable "app_command" {
  description = "Command of the app container; null keeps the image's own CMD (gunicorn on port container_port)."
  type        = list(string)
  default     = null
}

variable "migration_command" {
  description = "Command of the one-off migration task, which runs the same image."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db", "upgrade"]
}

variable "roles_command" {
  description = "Command of the one-off roles task (same image), which creates the database roles as the master user."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db-roles"]
}

variable "container_port" {
  description = "Port the app listens on inside the container."
  type        = number
  default     = 8000
}

variable "cpu" {
  description = "CPU units of a task (256 = 0.25 vCPU); a valid Fargate combination with memory."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Memory of a task in MiB; a valid Fargate combination with cpu."
  type        = number
  default     = 1024
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "readonly_root_filesystem" {
  description = "Mount the image read-only; /tmp stays writable on a task-local volume."
  type        = bool
  default     = true
}

variable "app_env" {
  description = "APP_ENV of the app (production turns on its strict settings checks)."
  type        = string
  default     = "production"
}

variable "environment" {
  description = "Extra plain environment variables of both containers (never secrets: use secrets for those)."
  type        = map(string)
  default     = {}
}

variable "database" {
  description = "The service's database: host, port and name become DB_* variables; user is the master user, whose password (password_secret_arn, the RDS-managed secret, JSON key \"password\") only the roles task gets; resource_id (DbiResourceId) names the IAM database users."
  type = object({
    host                = string
    port                = number
    name                = string
    user                = string
    password_secret_arn = string
    security_group_id   = string
    resource_id         = string
  })
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer, the only source allowed to reach the tasks."
  type        = string
}

variable "target_group_arn" {
  description = "Target group the service registers its tasks in."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer, for the requests-per-target scaling metric."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group, for the requests-per-target scaling metric."
  type        = string
}

variable "ecr_repository_arn" {
  description = "Repository the execution role may pull from."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the log group and of the secrets the tasks read."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep container logs."
  type        = number
  default     = 90
}

variable "rate_limit_store" {
  description = "The environment's rate-limit store (modules/rate-limit-store): its security group and port, which the tasks may reach, and the secret holding RATE_LIMIT_STORAGE_URI."
  type = object({
    security_group_id = string
    port              = number
    uri_secret_arn    = string
  })
}

variable "secrets" {
  description = "Environment variable name => ARN of a Secrets Manager secret whose whole value ECS injects into both containers at task start (AUTH_PUBLIC_KEYS for every service, AUTH_SIGNING_KEY for the API alone)."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.secrets), ["DB_PASSWORD", "RATE_LIMIT_STORAGE_URI"])) == 0 && alltrue([for arn in values(var.secrets) : startswith(arn, "arn:")])
    error_message = "Give secret ARNs (arn:...); DB_PASSWORD and RATE_LIMIT_STORAGE_URI come from the database and rate_limit_store inputs."
  }
}

variable "min_capacity" {
  description = "Fewest running tasks; also the task count at creation."
  type        = number
  default     = 2
}

variable "max_capacity" {
  description = "Most running tasks autoscaling may start."
  type        = number
  default     = 6
}

variable "cpu_target_percent" {
  description = "Average service CPU that autoscaling holds the service at."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per task per minute that autoscaling holds the service at."
  type        = number
  default     = 1000
}

variable "health_check_grace_period_seconds" {
  description = "Seconds a new task may fail load balancer health checks while it starts."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

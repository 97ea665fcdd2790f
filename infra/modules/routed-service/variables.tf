variable "name" {
  description = "Name of the service's resources: <project>-<environment>-<service>, lower-case letters, digits and single dashes."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,47}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "Use 2-49 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash."
  }
}

variable "foundation" {
  description = "The environment's network, shared stores, KMS key, token public keys and policy (local.foundation of infra/environment)."
  type = object({
    vpc_id                   = string
    private_subnet_ids       = list(string)
    aws_endpoints            = object({ security_group_id = string, s3_prefix_list_id = string })
    rate_limit_store         = object({ security_group_id = string, port = number, uri_secret_arn = string })
    kms_key_arn              = string
    log_retention_days       = number
    db_multi_az              = bool
    db_deletion_protection   = bool
    db_final_snapshot_suffix = string
    db_backup_retention_days = number
    ecr_force_delete         = bool
    public_keys_secret_arn   = string
  })
}

variable "platform" {
  description = "The environment's shared cluster, load balancer, alarm topic and deploy role (local.platform of infra/environment)."
  type = object({
    cluster               = object({ name = string, arn = string })
    listener_arn          = string
    alb_security_group_id = string
    alb_arn_suffix        = string
    url                   = string
    alarm_topic_arn       = string
    deploy_role_name      = string
  })
}

variable "signing_key_secret_arn" {
  description = "The AUTH_SIGNING_KEY secret, for the one service that issues tokens (the API); null for every other service."
  type        = string
  default     = null
}

variable "path_patterns" {
  description = "Request paths the load balancer sends to this service, for example [\"/api/v1/orders\", \"/api/v1/orders/*\"]; the first is its base path."
  type        = list(string)
}

variable "listener_priority" {
  description = "Priority of the service's rule on the shared listener, unique in the environment."
  type        = number
}

variable "image_tag" {
  description = "Tag in the service's ECR repository that Terraform's task definition revisions use; deploys roll out newer tags."
  type        = string
}

variable "app_command" {
  description = "Command of the app container; null keeps the image's CMD."
  type        = list(string)
  default     = null
}

variable "migration_command" {
  description = "Command of the service's migration task, for example [\"python\", \"-m\", \"services.orders.manage\", \"db\", \"upgrade\"]."
  type        = list(string)
}

variable "roles_command" {
  description = "Command of the service's roles task, which deploys run before the migration, for example [\"python\", \"-m\", \"services.orders.manage\", \"db-roles\"]."
  type        = list(string)
}

variable "task_cpu" {
  description = "CPU units of a task (1024 = 1 vCPU)."
  type        = number
  default     = 256
}

variable "task_memory" {
  description = "Memory of a task in MiB (a valid Fargate pair with task_cpu)."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "min_capacity" {
  description = "Fewest running tasks (and the count at creation)."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Most running tasks autoscaling may start."
  type        = number
  default     = 2
}

variable "cpu_target_percent" {
  description = "Average CPU autoscaling holds the service at."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per task per minute autoscaling holds the service at."
  type        = number
  default     = 1000
}

variable "app_environment" {
  description = "Extra plain (non-secret) environment variables of the service's containers."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "RDS instance class of the service's database."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_engine_version" {
  description = "PostgreSQL version (major alone tracks RDS's default minor)."
  type        = string
  default     = "16"
}

variable "db_parameter_group_family" {
  description = "Parameter group family of db_engine_version."
  type        = string
  default     = "postgres16"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling limit in GiB."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

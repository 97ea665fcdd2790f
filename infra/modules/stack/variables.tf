variable "name" {
  description = "Prefix of every resource name: <project>-<environment>, at most 24 characters (load balancer names are short)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.name))
    error_message = "Use 2-24 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "availability_zones" {
  description = "Availability zones of the subnets; at least two."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "nat_gateways" {
  description = "NAT gateways: none (tasks reach AWS through VPC endpoints only), single or per_az (for an app that calls the internet, which also needs an egress rule on its tasks' security group)."
  type        = string
  default     = "none"
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener; null is HTTP-only mode."
  type        = string
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 ranges that may reach the load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_access_logs_retention_days" {
  description = "Days load balancer access logs are kept in the environment's log bucket; 0 turns them off."
  type        = number
  default     = 90
}

variable "image_tag" {
  description = "Tag of the image in this environment's ECR repository that Terraform's task definition revisions use."
  type        = string
}

variable "app_command" {
  description = "Command of the app container; null keeps the image's CMD."
  type        = list(string)
  default     = null
}

variable "migration_command" {
  description = "Command of the migration task."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db", "upgrade"]
}

variable "task_cpu" {
  description = "CPU units of a task (1024 = 1 vCPU)."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Memory of a task in MiB."
  type        = number
  default     = 1024
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "min_capacity" {
  description = "Fewest running tasks."
  type        = number
  default     = 2
}

variable "max_capacity" {
  description = "Most running tasks."
  type        = number
  default     = 6
}

variable "cpu_target_percent" {
  description = "Average CPU autoscaling aims for."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per task per minute autoscaling aims for."
  type        = number
  default     = 1000
}

variable "log_retention_days" {
  description = "Days to keep container and VPC flow logs."
  type        = number
  default     = 365
}

variable "app_environment" {
  description = "Extra plain (non-secret) environment variables of the containers."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
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

variable "db_multi_az" {
  description = "Standby database in a second availability zone."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups."
  type        = number
  default     = 14
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the environment's alarm topic; empty subscribes nobody (subscribe on-call tools to alarm_topic_arn yourself)."
  type        = list(string)
  default     = []
}

variable "github_subjects" {
  description = "GitHub OIDC subjects allowed to deploy (repo:<owner>/<name>:environment:<env>); empty creates no deploy role."
  type        = list(string)
  default     = []
}

variable "create_github_oidc_provider" {
  description = "Create the account-wide GitHub OIDC provider (false when another environment in the account already did)."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state, which the deploy role may read; null grants none."
  type        = string
  default     = null
}

variable "state_key" {
  description = "Key of this environment's state object in state_bucket."
  type        = string
  default     = null
}

variable "rate_limit_node_type" {
  description = "Node type of the rate-limit store."
  type        = string
  default     = "cache.t4g.micro"
}

variable "rate_limit_nodes" {
  description = "Nodes of the rate-limit store: 1, or 2 for a replica in another AZ with automatic failover."
  type        = number
  default     = 2
}

variable "token_requests_per_window" {
  description = "Requests per 5 minutes one IP address may send to /api/v1/auth/token before WAF blocks it."
  type        = number
  default     = 100
}

variable "teardown" {
  description = "Prepare the environment for terraform destroy: deletion protection off (database and load balancer), image repositories deletable, and each database's final snapshot named with the time of this apply. Every database takes a final snapshot either way."
  type        = bool
  default     = false
}

variable "ecr_force_delete" {
  description = "Let terraform destroy remove the image repository with its images."
  type        = bool
  default     = false
}

variable "secret_recovery_window_days" {
  description = "Days the token key secrets stay recoverable after deletion (0 deletes at once)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

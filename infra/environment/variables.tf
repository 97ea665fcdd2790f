variable "environment" {
  description = "Which environment this is (set in its terraform.tfvars): staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "The environments are staging and production."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones to use in the region; at least two."
  type        = list(string)
}

variable "project" {
  description = "Short name prefixed to every resource (with the environment: <project>-<environment>)."
  type        = string
  default     = "api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,12}$", var.project))
    error_message = "Use 2-13 lower-case letters, digits and dashes, starting with a letter (load balancer names are short)."
  }
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC; null takes the environment's (10.20.0.0/16 staging, 10.30.0.0/16 production)."
  type        = string
  default     = null
}

variable "nat_gateways" {
  description = "NAT gateways: none (tasks reach AWS through VPC endpoints only), single or per_az, for an app that calls the internet (its tasks' security group then needs an egress rule too)."
  type        = string
  default     = "none"
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS; null runs the load balancer in HTTP-only mode, which production refuses."
  type        = string
  default     = null

  validation {
    condition     = var.environment != "production" || can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "Production serves HTTPS only: give the ARN of an ACM certificate (arn:aws:acm:...)."
  }
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 ranges that may reach the load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_access_logs_retention_days" {
  description = "Days load balancer access logs are kept in the environment's encrypted log bucket (0 turns them off); null takes the environment's (30 staging, 365 production)."
  type        = number
  default     = null
}

variable "image_tag" {
  description = "Image tag Terraform's task definition revisions start with; deploys roll out newer tags without Terraform."
  type        = string
  default     = "initial"
}

variable "app_command" {
  description = "Command of the API's app container; null keeps the image's CMD."
  type        = list(string)
  default     = null
}

variable "migration_command" {
  description = "Command of the API's migration task."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db", "upgrade"]
}

variable "roles_command" {
  description = "Command of the API's roles task, which creates its database roles before each migration."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db-roles"]
}

variable "task_cpu" {
  description = "CPU units of an API task (1024 = 1 vCPU); null takes the environment's (512 staging, 1024 production)."
  type        = number
  default     = null
}

variable "task_memory" {
  description = "Memory of an API task in MiB, a valid Fargate pair with task_cpu; null takes the environment's (1024, 2048)."
  type        = number
  default     = null
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "min_capacity" {
  description = "Fewest running API tasks; null takes the environment's (1, 2)."
  type        = number
  default     = null
}

variable "max_capacity" {
  description = "Most running API tasks; null takes the environment's (2, 6)."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Days to keep container, database, WAF and VPC flow logs; null takes the environment's (30, 365)."
  type        = number
  default     = null
}

variable "app_environment" {
  description = "Extra plain (non-secret) environment variables of the API's containers, for example LOG_LEVEL."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "RDS instance class of the API's database; null takes the environment's (db.t4g.small, db.t4g.medium)."
  type        = string
  default     = null
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 20
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups; null takes the environment's (7, 30)."
  type        = number
  default     = null
}

variable "token_requests_per_window" {
  description = "Requests per 5 minutes one IP address may send to /api/v1/auth/token before WAF blocks it."
  type        = number
  default     = 100
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the environment's alarm topic (each confirms by a link AWS sends); empty subscribes nobody."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows, in the GitHub environment named like this one, may deploy; null creates no deploy role."
  type        = string
  default     = null
}

variable "create_github_oidc_provider" {
  description = "Create the account-wide GitHub OIDC provider; false when it already exists in the account."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "The state bucket given to terraform init, so the deploy role may read this environment's outputs; null grants no access."
  type        = string
  default     = null
}

variable "teardown" {
  description = "true only to destroy the environment (README, Destroying an environment): lifts deletion protection and names each final database snapshot with the time."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags on every resource (Project, Environment and ManagedBy are added)."
  type        = map(string)
  default     = {}
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets, one per availability zone (load balancer, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per availability zone (tasks, database)."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_count" {
  description = "Number of NAT gateways: none, one, or one per availability zone."
  value       = length(aws_nat_gateway.this)
}

output "endpoints_security_group_id" {
  description = "Security group of the interface endpoints; tasks send HTTPS to it."
  value       = aws_security_group.endpoints.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of S3 through the gateway endpoint (image layers); tasks send HTTPS to it."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "interface_endpoints" {
  description = "Interface endpoints by service, with their private DNS on."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.service_name }
}

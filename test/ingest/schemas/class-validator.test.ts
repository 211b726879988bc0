import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportedSchema, NAME_KEY } from "./helper.ts";

const ROLE = `export enum Role { Reader = 'reader', Writer = 'writer' }`;

const CREATE_USER = `import { IsEmail, IsString, IsOptional, IsEnum, IsInt, Min, Max, Length, IsUrl, ValidateNested, IsArray, ArrayMaxSize, Matches } from 'class-validator';
import { Type } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role } from './role.enum';

class AddressDto {
  @IsString() city: string;
  @IsOptional() @Length(5, 5) zip?: string;
}

export class CreateUserDto {
  @ApiProperty({ description: 'Login e-mail', example: 'jake@jake.jake' })
  @IsEmail()
  email: string;

  @IsString() @Length(3, 40) @Matches(/^[a-z0-9_]+$/)
  username: string;

  @IsEnum(Role)
  role: Role;

  @IsInt() @Min(13) @Max(120)
  age: number;

  @ApiPropertyOptional() @IsOptional() @IsUrl()
  image?: string;

  @ValidateNested() @Type(() => AddressDto)
  address: AddressDto;

  @IsArray() @ArrayMaxSize(5) @IsString({ each: true })
  tags: string[];

  nickname: string | null;
}`;

describe("class-validator DTOs", () => {
  it("reads decorators, type annotations, enums from another file and nested DTOs", () => {
    const files = { "src/users/role.enum.ts": ROLE, "src/users/create-user.dto.ts": CREATE_USER };
    const converted = exportedSchema(files, "src/users/create-user.dto.ts", "CreateUserDto");
    assert.equal(converted.library, "class-validator");
    assert.equal(converted.name, "CreateUserDto");
    assert.deepEqual(converted.schema, {
      type: "object",
      properties: {
        email: { type: "string", format: "email", description: "Login e-mail", examples: ["jake@jake.jake"] },
        username: { type: "string", minLength: 3, maxLength: 40, pattern: "^[a-z0-9_]+$" },
        role: { type: "string", enum: ["reader", "writer"] },
        age: { type: "integer", minimum: 13, maximum: 120 },
        image: { type: "string", format: "uri" },
        address: {
          [NAME_KEY]: "AddressDto",
          type: "object",
          properties: { city: { type: "string" }, zip: { type: "string", minLength: 5, maxLength: 5 } },
          required: ["city"],
        },
        tags: { type: "array", items: { type: "string" }, maxItems: 5 },
        nickname: { type: ["string", "null"] },
      },
      required: ["email", "username", "role", "age", "address", "tags", "nickname"],
    });
  });

  it("makes every inherited property optional under PartialType, and keeps only picked ones under PickType", () => {
    const files = {
      "src/users/role.enum.ts": ROLE,
      "src/users/create-user.dto.ts": CREATE_USER,
      "src/users/update-user.dto.ts": `import { PartialType, PickType, OmitType } from '@nestjs/mapped-types';
import { IsString } from 'class-validator';
import { CreateUserDto } from './create-user.dto';
export class UpdateUserDto extends PartialType(PickType(CreateUserDto, ['email', 'username'] as const)) {
  @IsString() bio?: string;
}
export class PublicUserDto extends OmitType(CreateUserDto, ['email', 'age', 'image', 'address', 'tags', 'nickname', 'role']) {}`,
    };
    assert.deepEqual(exportedSchema(files, "src/users/update-user.dto.ts", "UpdateUserDto").schema, {
      type: "object",
      properties: {
        email: { type: "string", format: "email", description: "Login e-mail", examples: ["jake@jake.jake"] },
        username: { type: "string", minLength: 3, maxLength: 40, pattern: "^[a-z0-9_]+$" },
        bio: { type: "string" },
      },
    });
    assert.deepEqual(exportedSchema(files, "src/users/update-user.dto.ts", "PublicUserDto").schema, {
      type: "object",
      properties: { username: { type: "string", minLength: 3, maxLength: 40, pattern: "^[a-z0-9_]+$" } },
      required: ["username"],
    });
  });

  it("inherits from a plain base class and lets a redeclared property replace the inherited one", () => {
    const files = {
      "src/dto.ts": `import { IsInt, IsOptional, Min, IsIn, IsBoolean } from 'class-validator';
class PageQuery {
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(0) offset?: number;
}
export class ArticleQuery extends PageQuery {
  @IsOptional() @IsInt() @Min(5) limit?: number;
  @IsIn(['new', 'top']) sort: 'new' | 'top';
  @IsBoolean() @IsOptional() favorited?: boolean;
}`,
    };
    assert.deepEqual(exportedSchema(files, "src/dto.ts", "ArticleQuery").schema, {
      type: "object",
      properties: {
        offset: { type: "integer", minimum: 0 },
        limit: { type: "integer", minimum: 5 },
        sort: { type: "string", enum: ["new", "top"] },
        favorited: { type: "boolean" },
      },
      required: ["sort"],
    });
  });

  it("refers a DTO that contains itself to its own component instead of looping", () => {
    const files = {
      "src/comment.dto.ts": `import { IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
export class CommentDto {
  @IsString() body: string;
  @ValidateNested({ each: true }) @Type(() => CommentDto) replies: CommentDto[];
}`,
    };
    assert.deepEqual(exportedSchema(files, "src/comment.dto.ts", "CommentDto").schema, {
      type: "object",
      properties: { body: { type: "string" }, replies: { type: "array", items: { $ref: "#/components/schemas/CommentDto" } } },
      required: ["body", "replies"],
    });
  });
});

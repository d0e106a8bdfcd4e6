import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An API that access tokens may be issued for: its audience and the scopes it defines. */
@Entity({ schema: 'auth', name: 'api_resources' })
export class ApiResourceEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', unique: true })
  audience: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
